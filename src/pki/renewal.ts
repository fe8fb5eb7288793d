import { createPrivateKey, X509Certificate } from 'node:crypto';
import { canonicalIp, sameNames, type CertificateNames } from './certificate-names.js';
import { keyAlgorithmOf, type KeyAlgorithm } from './keys.js';

export function notBefore(certificate: X509Certificate): Date {
  return new Date(certificate.validFrom);
}

export function notAfter(certificate: X509Certificate): Date {
  return new Date(certificate.validTo);
}

/** When a certificate is renewed: once two thirds of its life have passed (as certbot does for Let's Encrypt's 90 days). */
export function renewalTime(certificate: X509Certificate): number {
  const from = notBefore(certificate).getTime();
  return from + ((notAfter(certificate).getTime() - from) * 2) / 3;
}

/** The names a certificate answers to, as the lab compares them (Node lists SANs as `DNS:a, IP Address:b`). */
export function namesOf(certificate: X509Certificate): CertificateNames {
  const entries = (certificate.subjectAltName ?? '').split(', ').filter((e) => e.length > 0);
  const commonName = certificate.subject.split('\n').find((line) => line.startsWith('CN='))?.slice(3) ?? '';
  return {
    commonName,
    dns: entries.filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4).toLowerCase()),
    ips: entries.filter((e) => e.startsWith('IP Address:')).map((e) => canonicalIp(e.slice('IP Address:'.length))),
  };
}

export interface StoredCredentials {
  certPem: string;
  keyPem: string;
}

export interface Wanted {
  names: CertificateNames;
  keyAlgorithm: KeyAlgorithm;
  ca: X509Certificate;
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
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(stored.certPem);
  } catch {
    return { reason: 'the certificate file is unreadable', newKey: false };
  }
  if (!certificate.checkIssued(wanted.ca) || !certificate.verify(wanted.ca.publicKey)) return { reason: 'it was signed by another CA', newKey: false };
  if (!certificate.checkPrivateKey(key)) return { reason: 'it does not match its key', newKey: false };
  if (wanted.now >= renewalTime(certificate)) return { reason: `it expires on ${notAfter(certificate).toISOString().slice(0, 10)}`, newKey: false };
  if (!sameNames(namesOf(certificate), wanted.names)) return { reason: 'the host\'s names changed', newKey: false };
  return undefined;
}
