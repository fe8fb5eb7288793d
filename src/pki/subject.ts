import type { PkiConfig } from '../lab/config.js';

/** A subject as RDNs in ASN.1 order (C, O, OU, CN), the order `openssl x509 -text` prints. */
export type SubjectName = Record<string, string[]>[];

/** C, O and OU from the config (the seed's openssl.cnf defaults), then the common name. */
export function subjectName(config: PkiConfig, commonName: string): SubjectName {
  return [{ C: [config.country] }, { O: [config.organization] }, { OU: [config.unit] }, { CN: [commonName] }];
}
