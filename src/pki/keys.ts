import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import type { PkiConfig } from '../lab/config.js';

export type KeyAlgorithm = PkiConfig['keyAlgorithm'];
type CryptoKey = webcrypto.CryptoKey;

/** A key pair ready for @peculiar/x509 (WebCrypto keys) together with its PEM form for files and Node's TLS. */
export interface KeyPair {
  algorithm: KeyAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** PKCS#8 PEM, the form `openssl pkey` and Node's TLS read. */
  privatePem: string;
  /** The algorithm a certificate signed by this key carries (SHA-256 with the key's type). */
  signingAlgorithm: webcrypto.EcdsaParams | webcrypto.Algorithm;
}

const subtle = webcrypto.subtle;

const IMPORT: Record<KeyAlgorithm, webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams> = {
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256' },
  'rsa-3072': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
};

const GENERATE: Record<KeyAlgorithm, webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams> = {
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256' },
  'rsa-3072': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};

const SIGNING: Record<KeyAlgorithm, webcrypto.EcdsaParams | webcrypto.Algorithm> = {
  'ecdsa-p256': { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
  'rsa-3072': { name: 'RSASSA-PKCS1-v1_5' },
};

export async function generateKeyPair(algorithm: KeyAlgorithm): Promise<KeyPair> {
  const pair = (await subtle.generateKey(GENERATE[algorithm], true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', pair.privateKey));
  const privatePem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { algorithm, privateKey: pair.privateKey, publicKey: pair.publicKey, privatePem, signingAlgorithm: SIGNING[algorithm] };
}

/** Reads a PEM private key (PKCS#8, or the SEC1/PKCS#1 forms openssl also writes) into a key pair. */
export async function loadKeyPair(privatePem: string): Promise<KeyPair> {
  const keyObject = createPrivateKey(privatePem);
  const algorithm = keyAlgorithmOf(keyObject);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  const privateKey = await subtle.importKey('pkcs8', pkcs8, IMPORT[algorithm], false, ['sign']);
  const publicKey = await subtle.importKey('spki', spki, IMPORT[algorithm], true, ['verify']);
  return {
    algorithm,
    privateKey,
    publicKey,
    privatePem: keyObject.export({ type: 'pkcs8', format: 'pem' }).toString(),
    signingAlgorithm: SIGNING[algorithm],
  };
}

/** ECDSA on P-256 or any RSA key is accepted; other curves and key types are not ones the lab makes. */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  if (key.asymmetricKeyType === 'rsa') return 'rsa-3072';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new Error(`unsupported key type ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` (${curve})` : ''}: the lab uses ECDSA P-256 or RSA`);
}
