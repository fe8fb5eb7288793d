import { X509Certificate as NodeCertificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from './x509.js';

/** What `openssl x509 -text -fingerprint` prints for a certificate, in the same layout, with SHA-256 and SHA-1 fingerprints. */
export function describeCertificate(pem: string): string {
  const cert = new x509.X509Certificate(pem);
  const native = new NodeCertificate(pem);
  const lines = [
    'Certificate:',
    '    Data:',
    // RFC 5280 §4.1.2.1: a certificate with extensions is version 3; without, the lab reads it as version 1.
    `        Version: ${cert.extensions.length > 0 ? '3 (0x2)' : '1 (0x0)'}`,
    ...serialLines(cert.serialNumber),
    `        Signature Algorithm: ${signatureName(cert)}`,
    `        Issuer: ${nameText(cert.issuerName)}`,
    '        Validity',
    `            Not Before: ${native.validFrom}`,
    `            Not After : ${native.validTo}`,
    `        Subject: ${nameText(cert.subjectName)}`,
    '        Subject Public Key Info:',
    ...publicKeyLines(native),
  ];
  if (cert.extensions.length > 0) {
    lines.push('        X509v3 extensions:');
    for (const extension of cert.extensions) {
      const [title, value] = extensionText(extension);
      lines.push(`            ${title}:${extension.critical ? ' critical' : ' '}`, `                ${value}`);
    }
  }
  lines.push(
    `    Signature Algorithm: ${signatureName(cert)}`,
    '    Signature Value:',
    ...hexBlock(Buffer.from(cert.signature), 18, '        '),
    `SHA256 Fingerprint=${native.fingerprint256}`,
    `SHA1 Fingerprint=${native.fingerprint}`,
  );
  return lines.join('\n');
}

/** Where openssl's short name for an attribute differs from @peculiar/x509's. */
const OPENSSL_ATTRIBUTE_NAMES: Record<string, string> = { E: 'emailAddress', G: 'GN' };

/** `C = ES, O = UMU, OU = ST, CN = st.um`, in the certificate's order, as openssl prints it. */
export function nameText(name: x509.Name): string {
  return name
    .toJSON()
    .flatMap((rdn) => Object.entries(rdn).flatMap(([type, values]) => values.map((v) => `${OPENSSL_ATTRIBUTE_NAMES[type] ?? type} = ${v}`)))
    .join(', ');
}

function serialLines(hex: string): string[] {
  const value = BigInt(`0x${hex || '0'}`);
  // openssl prints serials that fit a signed 64-bit integer in decimal, longer ones as hex bytes.
  if (value < 2n ** 63n) return [`        Serial Number: ${value} (0x${value.toString(16)})`];
  const bytes = hex.length % 2 === 0 ? hex : `0${hex}`;
  return ['        Serial Number:', `            ${bytes.match(/../g)!.join(':')}`];
}

const HASH_NAMES: Record<string, string> = { 'SHA-1': 'SHA1', 'SHA-256': 'SHA256', 'SHA-384': 'SHA384', 'SHA-512': 'SHA512' };

/** WebCrypto's shape of a signature algorithm (the DOM types that name it are not in this build's lib). */
interface SignatureAlgorithm {
  name: string;
  hash?: { name: string };
}

function signatureName(certificate: x509.X509Certificate): string {
  const algorithm = certificate.signatureAlgorithm as unknown as SignatureAlgorithm;
  const hash = HASH_NAMES[algorithm.hash?.name ?? ''] ?? algorithm.hash?.name ?? '';
  switch (algorithm.name) {
    case 'ECDSA':
      return `ecdsa-with-${hash}`;
    case 'RSASSA-PKCS1-v1_5':
      return `${hash.toLowerCase()}WithRSAEncryption`;
    case 'RSA-PSS':
      return 'rsassaPss';
    default:
      return algorithm.name;
  }
}

const CURVES: Record<string, [oid: string, nist: string | undefined]> = {
  prime256v1: ['prime256v1', 'P-256'],
  secp384r1: ['secp384r1', 'P-384'],
  secp521r1: ['secp521r1', 'P-521'],
};

function publicKeyLines(cert: NodeCertificate): string[] {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const jwk = key.export({ format: 'jwk' });
  const pad = '                ';
  if (key.asymmetricKeyType === 'ec' && jwk.x && jwk.y) {
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
    const [oid, nist] = CURVES[details.namedCurve ?? ''] ?? [details.namedCurve ?? 'unknown', undefined];
    return [
      '            Public Key Algorithm: id-ecPublicKey',
      `${pad}Public-Key: (${(point.length - 1) * 4} bit)`,
      `${pad}pub:`,
      ...hexBlock(point, 15, `${pad}    `),
      `${pad}ASN1 OID: ${oid}`,
      ...(nist ? [`${pad}NIST CURVE: ${nist}`] : []),
    ];
  }
  if (key.asymmetricKeyType === 'rsa' && jwk.n) {
    const modulus = Buffer.concat([Buffer.from([0]), Buffer.from(jwk.n, 'base64url')]);
    const exponent = details.publicExponent ?? 65537n;
    return [
      '            Public Key Algorithm: rsaEncryption',
      `${pad}Public-Key: (${details.modulusLength ?? (modulus.length - 1) * 8} bit)`,
      `${pad}Modulus:`,
      ...hexBlock(modulus, 15, `${pad}    `),
      `${pad}Exponent: ${exponent} (0x${exponent.toString(16)})`,
    ];
  }
  return [`            Public Key Algorithm: ${key.asymmetricKeyType ?? 'unknown'}`];
}

const KEY_USAGES: [x509.KeyUsageFlags, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'Digital Signature'],
  [x509.KeyUsageFlags.nonRepudiation, 'Non Repudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'Key Encipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'Data Encipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'Key Agreement'],
  [x509.KeyUsageFlags.keyCertSign, 'Certificate Sign'],
  [x509.KeyUsageFlags.cRLSign, 'CRL Sign'],
  [x509.KeyUsageFlags.encipherOnly, 'Encipher Only'],
  [x509.KeyUsageFlags.decipherOnly, 'Decipher Only'],
];

const PURPOSES: Record<string, string> = {
  [x509.ExtendedKeyUsage.serverAuth]: 'TLS Web Server Authentication',
  [x509.ExtendedKeyUsage.clientAuth]: 'TLS Web Client Authentication',
  [x509.ExtendedKeyUsage.codeSigning]: 'Code Signing',
  [x509.ExtendedKeyUsage.emailProtection]: 'E-mail Protection',
  [x509.ExtendedKeyUsage.timeStamping]: 'Time Stamping',
  [x509.ExtendedKeyUsage.ocspSigning]: 'OCSP Signing',
};

function extensionText(extension: x509.Extension): [string, string] {
  if (extension instanceof x509.BasicConstraintsExtension) {
    const path = extension.pathLength === undefined ? '' : `, pathlen:${extension.pathLength}`;
    return ['X509v3 Basic Constraints', `CA:${extension.ca ? 'TRUE' : 'FALSE'}${path}`];
  }
  if (extension instanceof x509.KeyUsagesExtension) {
    return ['X509v3 Key Usage', KEY_USAGES.filter(([flag]) => (extension.usages & flag) !== 0).map(([, text]) => text).join(', ')];
  }
  if (extension instanceof x509.ExtendedKeyUsageExtension) {
    return ['X509v3 Extended Key Usage', extension.usages.map((u) => PURPOSES[String(u)] ?? String(u)).join(', ')];
  }
  if (extension instanceof x509.SubjectAlternativeNameExtension) {
    return ['X509v3 Subject Alternative Name', extension.names.items.map(generalNameText).join(', ')];
  }
  if (extension instanceof x509.SubjectKeyIdentifierExtension) {
    return ['X509v3 Subject Key Identifier', colonHex(extension.keyId)];
  }
  if (extension instanceof x509.AuthorityKeyIdentifierExtension) {
    return ['X509v3 Authority Key Identifier', extension.keyId ? colonHex(extension.keyId) : '(issuer and serial)'];
  }
  return [extension.type, colonHex(Buffer.from(extension.value).toString('hex'))];
}

function generalNameText(name: x509.GeneralName): string {
  switch (name.type) {
    case 'dns':
      return `DNS:${name.value}`;
    case 'ip':
      return `IP Address:${isIP(name.value) === 6 ? expandIpv6(name.value) : name.value}`;
    case 'email':
      return `email:${name.value}`;
    case 'url':
      return `URI:${name.value}`;
    default:
      return `${name.type}:${name.value}`;
  }
}

/** openssl writes IPv6 SANs as eight groups without leading zeros: ::1 → 0:0:0:0:0:0:0:1. */
function expandIpv6(address: string): string {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16).toString(16).toUpperCase()).join(':');
}

function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

function hexBlock(bytes: Buffer, perLine: number, indent: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += perLine) {
    const chunk = [...bytes.subarray(i, i + perLine)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    lines.push(`${indent}${chunk}${i + perLine < bytes.length ? ':' : ''}`);
  }
  return lines;
}
