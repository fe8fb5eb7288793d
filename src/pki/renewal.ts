import { createPrivateKey, X509Certificate as NodeCertificate } from 'node:crypto';
import * as x509 from './x509.js';
import { canonicalIp, sameNames, type CertificateNames } from './certificate-names.js';
import { keyAlgorithmOf, type KeyAlgorithm } from './keys.js';

/** When a certificate is renewed: once two thirds of its life have passed (as certbot does for Let's Encrypt's 90 days). */
export function renewalTime(certificate: x509.X509Certificate): number {
  const from = certificate.notBefore.getTime();
  return from + ((certificate.notAfter.getTime() - from) * 2) / 3;
}

/** The names a certificate answers to, as the lab compares them. */
export function namesOf(certificate: x509.X509Certificate): CertificateNames {
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  return {
    commonName: certificate.subjectName.getField('CN')[0] ?? '',
    dns: items.filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase()),
    ips: items.filter((n) => n.type === 'ip').map((n) => canonicalIp(n.value)),
  };
}

export interface StoredCredentials {
  certPem: string;
  keyPem: string;
}

export interface Wanted {
  names: CertificateNames;
  keyAlgorithm: KeyAlgorithm;
  ca: x509.X509Certificate;
  now: number;
}

/**
 * Why a stored certificate must be issued again, or undefined when it is fine as it is. `newKey`
 * says whether its key must be replaced too (missing, unreadable, or of another type than configured).
 */
export function reasonToReissue(stored: StoredCredentials | undefined, wanted: Wanted): { reason: string; newKey: boolean } | undefined {
  if (!stored) return { reason: 'no certificate yet', newKey: true };
  let key;
  try {
    key = createPrivateKey(stored.keyPem);
    if (keyAlgorithmOf(key) !== wanted.keyAlgorithm) return { reason: `the key type is now ${wanted.keyAlgorithm}`, newKey: true };
  } catch {
    return { reason: 'the key file is unreadable', newKey: true };
  }
  let certificate: x509.X509Certificate;
  let native: NodeCertificate;
  try {
    certificate = new x509.X509Certificate(stored.certPem);
    native = new NodeCertificate(stored.certPem);
  } catch {
    return { reason: 'the certificate file is unreadable', newKey: false };
  }
  const ca = new NodeCertificate(Buffer.from(wanted.ca.rawData));
  if (!native.checkIssued(ca) || !native.verify(ca.publicKey)) return { reason: 'it was signed by another CA', newKey: false };
  if (!native.checkPrivateKey(key)) return { reason: 'it does not match its key', newKey: false };
  if (wanted.now >= renewalTime(certificate)) return { reason: `it expires on ${certificate.notAfter.toISOString().slice(0, 10)}`, newKey: false };
  if (!sameNames(namesOf(certificate), wanted.names)) return { reason: 'the host\'s names changed', newKey: false };
  return undefined;
}
