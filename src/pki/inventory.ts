import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findHost, type LabConfig } from '../lab/config.js';
import { namesFromList } from './certificate-names.js';
import { issueCredentials, type Credentials } from './credentials.js';
import type { LabCertificates } from './lab-tls.js';

export type CertificateKind = 'ca' | 'host' | 'issued' | 'signed';

export interface CertificateEntry {
  name: string;
  kind: CertificateKind;
  file: string;
  certificate: X509Certificate;
}

/** Every certificate the lab CA holds: the CA, one per host, those made by `certs issue` and `certs sign`. */
export async function listCertificates(certs: LabCertificates): Promise<CertificateEntry[]> {
  const entries: CertificateEntry[] = [{ name: 'ca', kind: 'ca', file: certs.paths.caCert, certificate: certs.authority.certificate }];
  for (const [host, credentials] of certs.hosts) {
    entries.push({ name: host, kind: 'host', file: certs.paths.hostCert(host), certificate: credentials.certificate });
  }
  for (const [kind, dir] of [['issued', certs.paths.issued], ['signed', certs.paths.signed]] as const) {
    for (const file of await pemFiles(dir)) {
      entries.push({ name: file.slice(0, -'.pem'.length), kind, file: join(dir, file), certificate: new X509Certificate(await readFile(join(dir, file), 'utf8')) });
    }
  }
  return entries;
}

/** A certificate by what a person would call it: `ca`, a host name or alias, an issued or signed name. */
export async function findCertificate(certs: LabCertificates, config: LabConfig, name: string): Promise<CertificateEntry | undefined> {
  const wanted = findHost(config, name)?.name.toLowerCase() ?? name.toLowerCase();
  return (await listCertificates(certs)).find((e) => e.name.toLowerCase() === wanted);
}

/** `wirelab certs issue NAME --san …`: a new key and certificate in pki/issued/, usable by servers and as a client certificate. */
export async function issueNamed(certs: LabCertificates, config: LabConfig, name: string, sans: string[], days?: number): Promise<Credentials> {
  if (!/^[a-z0-9][a-z0-9.-]*$/i.test(name) || name.toLowerCase() === 'ca') {
    throw new Error(`"${name}" cannot name a certificate: use letters, digits, dots and hyphens (and not "ca")`);
  }
  const files = { cert: certs.paths.issuedCert(name), key: certs.paths.issuedKey(name) };
  const pki = days === undefined ? config.pki : { ...config.pki, certificateDays: days };
  return issueCredentials(await certs.authority.signer(), files, namesFromList(name, sans), pki, 'server-and-client');
}

async function pemFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.pem') && !f.endsWith('-key.pem')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
