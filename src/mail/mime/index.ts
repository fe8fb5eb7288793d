/** Reading stored messages the way IMAP presents them: structure, envelope, sections, search. */
export type { EnvelopeAddress } from './address.js';
export { bodyStructure, type BodyStructure, type Disposition, type MultipartStructure, type SinglePartStructure } from './body-structure.js';
export type { Parameter } from './content-type.js';
export { parseImapDate, type CalendarDay } from './dates.js';
export { decodeHeaderValue } from './encoded-words.js';
export { buildEnvelope, type Envelope } from './envelope.js';
export { parseHeader, type HeaderField } from './header.js';
export { parseMime, type MimePart } from './parts.js';
export { matches, needsContent, SearchableMessage, type DateComparison, type NumberSet, type SearchCandidate, type SearchKey, type SearchScope } from './search.js';
export { extractSection, type Section, type SectionText } from './section.js';
