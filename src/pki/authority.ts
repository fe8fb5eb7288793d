import { randomBytes, type webcrypto } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import * as x509 from './x509.js';
import type { PkiConfig } from '../lab/config.js';
import { replaceDurably } from '../lab/durable.js';
import type { CertificateNames } from './certificate-names.js';
import { generateKeyPair, loadKeyPair, type KeyPair } from './keys.js';
import { readPair } from './pem-files.js';
import type { PkiPaths } from './pki-paths.js';
import { subjectName, type SubjectName } from './subject.js';

/** The CA lasts as long as the seed's (`openssl req -x509 -days 3650`). */
const CA_DAYS = 3650;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start an hour in the past, so a client whose clock is a little behind still accepts them. */
const BACKDATE_MS = 60 * 60 * 1000;

export type CertificatePurpose = 'server' | 'server-and-client';

export interface IssueRequest {
  subject: SubjectName;
  names: CertificateNames;
  publicKey: x509.PublicKey | webcrypto.CryptoKey;
  days: number;
  purpose: CertificatePurpose;
}

/**
 * The lab certificate authority as a signer: its certificate and key, and the one way certificates
 * are signed. This module loads @peculiar/x509, which is slow to load: the lab reaches it through
 * LabAuthority only when something must be signed.
 */
export class CertificateAuthority {
  private constructor(
    readonly certificate: x509.X509Certificate,
    readonly certificatePem: string,
    private readonly key: KeyPair,
  ) {}

  /** Reads the CA from the data directory, or makes it (key file mode 0600) on first use. */
  static async loadOrCreate(paths: PkiPaths, config: PkiConfig, labName: string): Promise<{ ca: CertificateAuthority; created: boolean }> {
    const existing = await readPair(paths.caCert, paths.caKey);
    if (existing) {
      const certificate = new x509.X509Certificate(existing.cert);
      return { ca: new CertificateAuthority(certificate, certificate.toString('pem'), await loadKeyPair(existing.key)), created: false };
    }
    await mkdir(paths.root, { recursive: true, mode: 0o700 });
    const key = await generateKeyPair(config.keyAlgorithm);
    const now = Date.now();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: subjectName(config, config.caName ?? `${labName} lab CA`),
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + CA_DAYS * DAY_MS),
      signingAlgorithm: key.signingAlgorithm,
      keys: { privateKey: key.privateKey, publicKey: key.publicKey },
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(key.publicKey),
      ],
    });
    const pem = certificate.toString('pem');
    // Key first: a certificate on disk always has its key beside it.
    await replaceDurably(paths.caKey, key.privatePem, 0o600);
    await replaceDurably(paths.caCert, `${pem}\n`, 0o644);
    return { ca: new CertificateAuthority(certificate, pem, key), created: true };
  }

  get subject(): string {
    return this.certificate.subject;
  }

  /** Signs a certificate for the names given: an end-entity certificate (CA:FALSE), never a sub-CA. */
  async issue(request: IssueRequest): Promise<x509.X509Certificate> {
    const now = Date.now();
    const notAfter = Math.min(now + request.days * DAY_MS, this.certificate.notAfter.getTime());
    const rsa = this.key.algorithm === 'rsa-3072';
    const usage = x509.KeyUsageFlags.digitalSignature | (rsa ? x509.KeyUsageFlags.keyEncipherment : 0);
    const purposes = request.purpose === 'server' ? [x509.ExtendedKeyUsage.serverAuth] : [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth];
    return x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: request.subject,
      issuer: this.certificate.subjectName,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(notAfter),
      signingAlgorithm: this.key.signingAlgorithm,
      publicKey: request.publicKey,
      signingKey: this.key.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(usage, true),
        new x509.ExtendedKeyUsageExtension(purposes),
        new x509.SubjectAlternativeNameExtension([
          ...request.names.dns.map((value) => ({ type: 'dns' as const, value })),
          ...request.names.ips.map((value) => ({ type: 'ip' as const, value })),
        ]),
        await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
  }
}

/** 16 random bytes, top bit clear so the DER INTEGER stays positive (RFC 5280 §4.1.2.2: at most 20 octets). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}
