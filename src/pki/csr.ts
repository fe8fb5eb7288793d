import { createPublicKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { PkiConfig } from '../lab/config.js';
import { replaceDurably } from '../lab/durable.js';
import type { CertificateAuthority } from './authority.js';
import { canonicalIp, isDnsName, type CertificateNames } from './certificate-names.js';
import type { PkiPaths } from './pki-paths.js';
import * as x509 from './x509.js';

/** Keys weaker than this are refused: clients at OpenSSL's security level 2 (Debian's default) reject them. */
const MIN_RSA_BITS = 2048;

export class CsrError extends Error {}

/**
 * Signs a certificate signing request made with `openssl req` — what the seed does with `openssl ca`.
 * The subject is kept as requested; the names are the request's subjectAltName, or its CN when it has
 * none (clients match SANs only). Extensions asking for more (CA:TRUE, other usages) are not honoured.
 * A copy is kept in pki/signed/, as `openssl ca` keeps newcerts/. Returns the certificate's PEM.
 */
export async function signRequest(
  ca: CertificateAuthority,
  paths: PkiPaths,
  csrText: string,
  config: PkiConfig,
  days = config.certificateDays,
): Promise<{ pem: string; copy: string }> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrText.trim());
  } catch {
    throw new CsrError('not a certificate signing request (expected PEM "-----BEGIN CERTIFICATE REQUEST-----", as `openssl req -new` writes)');
  }
  if (!(await csr.verify())) throw new CsrError('the request\'s signature does not match its key: it was altered or is damaged');
  checkKeyStrength(csr.publicKey);
  const names = requestedNames(csr);
  const certificate = await ca.issue({ subject: csr.subjectName.toJSON(), names, publicKey: csr.publicKey, days, purpose: 'server-and-client' });
  await mkdir(paths.signed, { recursive: true, mode: 0o700 });
  const label = (names.dns[0] ?? names.ips[0] ?? 'certificate').replace(/[^a-z0-9.-]/gi, '_');
  const copy = join(paths.signed, `${label}-${certificate.serialNumber}.pem`);
  const pem = `${certificate.toString('pem')}\n`;
  await replaceDurably(copy, pem, 0o644);
  return { pem, copy };
}

function requestedNames(csr: x509.Pkcs10CertificateRequest): CertificateNames {
  const commonName = csr.subjectName.getField('CN')[0] ?? '';
  const san = csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  const dns = items.filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase());
  const ips = items.filter((n) => n.type === 'ip').map((n) => canonicalIp(n.value));
  if (dns.length === 0 && ips.length === 0) {
    if (isIP(commonName)) ips.push(canonicalIp(commonName));
    else if (isDnsName(commonName)) dns.push(commonName.toLowerCase());
  }
  if (dns.length === 0 && ips.length === 0) {
    throw new CsrError(
      `the request names no host: its CN is "${commonName}" and it has no subjectAltName. ` +
        'Make it with -subj "/CN=host.st.um" or -addext "subjectAltName=DNS:host.st.um"',
    );
  }
  return { commonName, dns, ips };
}

function checkKeyStrength(publicKey: x509.PublicKey): void {
  const key = createPublicKey({ key: Buffer.from(publicKey.rawData), format: 'der', type: 'spki' });
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === 'rsa' && bits !== undefined && bits < MIN_RSA_BITS) {
    throw new CsrError(
      `the request's RSA key has ${bits} bits; clients refuse keys under ${MIN_RSA_BITS}. ` +
        'Make a new one with -newkey rsa:3072, or -newkey ec -pkeyopt ec_paramgen_curve:P-256',
    );
  }
}
