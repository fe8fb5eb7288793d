import { join } from 'node:path';
import type { DataDir } from '../lab/data-dir.js';

/**
 * Where the lab CA keeps its files under the data directory, all PEM so openssl reads them:
 * pki/ca.pem and pki/ca-key.pem; pki/hosts/<host>.pem and <host>-key.pem for each lab host;
 * pki/issued/ for `wirelab certs issue`; pki/signed/ for CSRs signed by `wirelab certs sign`.
 */
export class PkiPaths {
  readonly root: string;

  constructor(dataDir: DataDir) {
    this.root = join(dataDir.root, 'pki');
  }

  get caCert(): string {
    return join(this.root, 'ca.pem');
  }
  get caKey(): string {
    return join(this.root, 'ca-key.pem');
  }
  get hosts(): string {
    return join(this.root, 'hosts');
  }
  get issued(): string {
    return join(this.root, 'issued');
  }
  get signed(): string {
    return join(this.root, 'signed');
  }
  hostCert(host: string): string {
    return join(this.hosts, `${host.toLowerCase()}.pem`);
  }
  hostKey(host: string): string {
    return join(this.hosts, `${host.toLowerCase()}-key.pem`);
  }
  issuedCert(name: string): string {
    return join(this.issued, `${name}.pem`);
  }
  issuedKey(name: string): string {
    return join(this.issued, `${name}-key.pem`);
  }
}
