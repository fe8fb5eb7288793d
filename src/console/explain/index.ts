import type { CatalogueListing } from '../api-types.js';
import type { ProtocolCatalogue } from './catalogue.js';
import { dnsCatalogue } from './dns.js';
import { imapCatalogue } from './imap.js';
import { pop3Catalogue } from './pop3.js';
import { smtpCatalogue } from './smtp.js';

export type { LineReader, ProtocolCatalogue } from './catalogue.js';

/** Every protocol the console can explain; a new protocol adds its catalogue here. */
export const CATALOGUES: readonly ProtocolCatalogue[] = [smtpCatalogue, pop3Catalogue, imapCatalogue, dnsCatalogue];

export function catalogueForKind(kind: string): ProtocolCatalogue | undefined {
  return CATALOGUES.find((c) => c.kinds.includes(kind));
}

export function listCatalogue(catalogue: ProtocolCatalogue): CatalogueListing {
  return { protocol: catalogue.protocol, kinds: [...catalogue.kinds], entries: catalogue.entries() };
}
