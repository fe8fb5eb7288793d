import { X509Certificate } from 'node:crypto';
import type { PkiConfig } from '../lab/config.js';
import type { CertificateAuthority } from './authority.js';
import { readPair } from './pem-files.js';
import type { PkiPaths } from './pki-paths.js';

/**
 * The lab CA as the lab sees it on a normal start: its certificate, read with Node's own X.509
 * parser. The signer (CertificateAuthority, built on @peculiar/x509, which takes about a second to
 * load) is loaded only when something must be signed: first start, a renewal, a new name, a CSR.
 */
export class LabAuthority {
  private signing: Promise<CertificateAuthority> | undefined;

  private constructor(
    readonly certificate: X509Certificate,
    readonly certificatePem: string,
    private readonly paths: PkiPaths,
    private readonly config: PkiConfig,
    private readonly labName: string,
  ) {}

  /** Opens the CA under the data directory, creating it (key mode 0600) on first use. */
  static async open(paths: PkiPaths, config: PkiConfig, labName: string): Promise<{ authority: LabAuthority; created: boolean }> {
    const existing = await readPair(paths.caCert, paths.caKey);
    if (existing) {
      return { authority: new LabAuthority(new X509Certificate(existing.cert), existing.cert.trim(), paths, config, labName), created: false };
    }
    const { CertificateAuthority } = await import('./authority.js');
    const { ca, created } = await CertificateAuthority.loadOrCreate(paths, config, labName);
    const authority = new LabAuthority(new X509Certificate(ca.certificatePem), ca.certificatePem.trim(), paths, config, labName);
    authority.signing = Promise.resolve(ca);
    return { authority, created };
  }

  /** `C=ES, O=UMU, OU=ST, CN=st.um lab CA` */
  get subject(): string {
    return this.certificate.subject.split('\n').join(', ');
  }

  /** The CA that signs, loaded on first use. */
  signer(): Promise<CertificateAuthority> {
    this.signing ??= import('./authority.js')
      .then(({ CertificateAuthority }) => CertificateAuthority.loadOrCreate(this.paths, this.config, this.labName))
      .then(({ ca }) => ca)
      .catch((err: unknown) => {
        this.signing = undefined;
        throw err;
      });
    return this.signing;
  }
}
