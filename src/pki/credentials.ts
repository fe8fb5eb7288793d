import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PkiConfig } from '../lab/config.js';
import { replaceDurably } from '../lab/durable.js';
import type { Logger } from '../lab/logger.js';
import type { CertificateAuthority, CertificatePurpose } from './authority.js';
import type { CertificateNames } from './certificate-names.js';
import { generateKeyPair, loadKeyPair } from './keys.js';
import type { LabAuthority } from './lab-authority.js';
import { readPair } from './pem-files.js';
import { notAfter, reasonToReissue, renewalTime } from './renewal.js';
import { subjectName } from './subject.js';

/** A certificate with its key, as a TLS server needs them. */
export interface Credentials {
  names: CertificateNames;
  certPem: string;
  keyPem: string;
  certificate: X509Certificate;
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
  authority: LabAuthority,
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
    ca: authority.certificate,
    now,
  });
  if (stored && !verdict) {
    const certificate = new X509Certificate(stored.cert);
    return { names, certPem: stored.cert, keyPem: stored.key, certificate, renewAt: renewalTime(certificate) };
  }
  const keyPem = verdict?.newKey || !stored ? undefined : stored.key;
  const credentials = await issueCredentials(await authority.signer(), files, names, config, 'server', keyPem);
  log.info(
    `issued a certificate for ${names.commonName} (${describeNames(names)}), valid until ${notAfter(credentials.certificate).toISOString().slice(0, 10)}: ${verdict?.reason ?? 'new'}`,
  );
  return credentials;
}

/** Issues a certificate for `names` (with a new key unless `keyPem` is given) and writes both files durably, key first. */
export async function issueCredentials(
  signer: CertificateAuthority,
  files: CredentialFiles,
  names: CertificateNames,
  config: PkiConfig,
  purpose: CertificatePurpose,
  keyPem?: string,
): Promise<Credentials> {
  const key = keyPem ? await loadKeyPair(keyPem) : await generateKeyPair(config.keyAlgorithm);
  const issued = await signer.issue({
    subject: subjectName(config, names.commonName),
    names,
    publicKey: key.publicKey,
    days: config.certificateDays,
    purpose,
  });
  const certPem = `${issued.toString('pem')}\n`;
  await mkdir(dirname(files.cert), { recursive: true, mode: 0o700 });
  if (!keyPem) await replaceDurably(files.key, key.privatePem, 0o600);
  await replaceDurably(files.cert, certPem, 0o644);
  const certificate = new X509Certificate(certPem);
  return { names, certPem, keyPem: key.privatePem, certificate, renewAt: renewalTime(certificate) };
}

export function describeNames(names: CertificateNames): string {
  return [...names.dns.map((n) => `DNS:${n}`), ...names.ips.map((n) => `IP:${n}`)].join(', ');
}
