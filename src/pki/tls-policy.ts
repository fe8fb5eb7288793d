import type { SecureContextOptions, SecureVersion } from 'node:tls';
import type { Credentials } from './credentials.js';

/** TLS 1.0 and 1.1 are deprecated (RFC 8996); the lab speaks 1.2 and 1.3 only. */
export const TLS_MIN_VERSION: SecureVersion = 'TLSv1.2';

/**
 * Mozilla's "intermediate" server profile: the three TLS 1.3 suites, then for TLS 1.2 only ECDHE
 * (forward secrecy) with AEAD ciphers. The client's order is honoured: all of these are sound.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** What every lab TLS server is built from: the policy above and one certificate. */
export function serverContextOptions(credentials: Credentials): SecureContextOptions {
  return {
    key: credentials.keyPem,
    cert: credentials.certPem,
    minVersion: TLS_MIN_VERSION,
    ciphers: TLS_CIPHERS,
    honorCipherOrder: false,
  };
}
