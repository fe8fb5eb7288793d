import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as x509 from './x509.js';
import type { PkiConfig } from '../lab/config.js';
import { replaceDurably } from '../lab/durable.js';
import type { Logger } from '../lab/logger.js';
import { readPair, subjectName, type CertificateAuthority, type CertificatePurpose } from './authority.js';
import type { CertificateNames } from './certificate-names.js';
import { generateKeyPair, loadKeyPair } from './keys.js';
import { reasonToReissue, renewalTime } from './renewal.js';

/** A certificate with its key, as a TLS server needs them. */
export interface Credentials {
  names: CertificateNames;
  certPem: string;
  keyPem: string;
  certificate: x509.X509Certificate;
  /** When the certificate is due for renewal (ms since the epoch). */
  renewAt: number;
}

export interface CredentialFiles {
  cert: string;
  key: string;
}

/**
 * The certificate and key at `files`, issued again when missing, expiring, signed by another CA, or
 * made for other names; the key is kept across renewals unless it is missing or of another type.
 */
export async function ensureCredentials(
  ca: CertificateAuthority,
  files: CredentialFiles,
  names: CertificateNames,
  config: PkiConfig,
  log: Logger,
  now = Date.now(),
): Promise<Credentials> {
  const stored = await readPair(files.cert, files.key);
  const verdict = reasonToReissue(stored && { certPem: stored.cert, keyPem: stored.key }, {
    names,
    keyAlgorithm: config.keyAlgorithm,
    ca: ca.certificate,
    now,
  });
  if (stored && !verdict) {
    const certificate = new x509.X509Certificate(stored.cert);
    return { names, certPem: stored.cert, keyPem: stored.key, certificate, renewAt: renewalTime(certificate) };
  }
  const credentials = await issueCredentials(ca, files, names, config, 'server', verdict?.newKey || !stored ? undefined : stored.key);
  log.info(
    `issued a certificate for ${names.commonName} (${describeNames(names)}), valid until ${credentials.certificate.notAfter.toISOString().slice(0, 10)}: ${verdict?.reason ?? 'new'}`,
  );
  return credentials;
}

/** Issues a certificate for `names` (with a new key unless `keyPem` is given) and writes both files durably, key first. */
export async function issueCredentials(
  ca: CertificateAuthority,
  files: CredentialFiles,
  names: CertificateNames,
  config: PkiConfig,
  purpose: CertificatePurpose,
  keyPem?: string,
): Promise<Credentials> {
  const key = keyPem ? await loadKeyPair(keyPem) : await generateKeyPair(config.keyAlgorithm);
  const certificate = await ca.issue({
    subject: subjectName(config, names.commonName),
    names,
    publicKey: key.publicKey,
    days: config.certificateDays,
    purpose,
  });
  const certPem = `${certificate.toString('pem')}\n`;
  await mkdir(dirname(files.cert), { recursive: true, mode: 0o700 });
  if (!keyPem) await replaceDurably(files.key, key.privatePem, 0o600);
  await replaceDurably(files.cert, certPem, 0o644);
  return { names, certPem, keyPem: key.privatePem, certificate, renewAt: renewalTime(certificate) };
}

export function describeNames(names: CertificateNames): string {
  return [...names.dns.map((n) => `DNS:${n}`), ...names.ips.map((n) => `IP:${n}`)].join(', ');
}
