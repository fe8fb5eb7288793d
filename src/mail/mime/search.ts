import { decodeCharset } from './charset.js';
import { dayOfHeaderDate, dayOfInstant, type CalendarDay } from './dates.js';
import { decodeHeaderValue } from './encoded-words.js';
import { headerValue } from './header.js';
import { parseMime, type MimePart } from './parts.js';
import { decodeTransfer } from './transfer-encoding.js';

/** A set of message numbers or UIDs, `*` standing for the largest in use. */
export interface NumberSet {
  has(n: number, star: number): boolean;
}

export type DateComparison = 'before' | 'on' | 'since';

/** A SEARCH key (RFC 3501 §6.4.4), with the aliases (FROM, UNSEEN, NEW…) already resolved to these. */
export type SearchKey =
  | { kind: 'all' }
  /** A system flag (`\Seen`) or keyword; `present: false` for the UN- forms. */
  | { kind: 'flag'; flag: string; present: boolean }
  | { kind: 'recent'; present: boolean }
  /** Header field `field` contains `value` (decoded, case-insensitive); an empty value matches any message with the field. */
  | { kind: 'header'; field: string; value: string }
  | { kind: 'body'; value: string }
  | { kind: 'text'; value: string }
  | { kind: 'internal-date'; comparison: DateComparison; day: CalendarDay }
  | { kind: 'sent-date'; comparison: DateComparison; day: CalendarDay }
  | { kind: 'size'; larger: boolean; octets: number }
  | { kind: 'uid'; set: NumberSet }
  | { kind: 'sequence'; set: NumberSet }
  | { kind: 'not'; key: SearchKey }
  | { kind: 'or'; left: SearchKey; right: SearchKey }
  | { kind: 'and'; keys: SearchKey[] };

/** What SEARCH knows about a message without reading it. */
export interface SearchCandidate {
  sequence: number;
  uid: number;
  flags: readonly string[];
  recent: boolean;
  internalDate: Date;
  size: number;
}

/** The largest sequence number and UID, which `*` stands for. */
export interface SearchScope {
  maxSequence: number;
  maxUid: number;
}

/** Whether evaluating `key` needs the message's bytes (so a search on flags alone never opens a file). */
export function needsContent(key: SearchKey): boolean {
  switch (key.kind) {
    case 'header':
    case 'body':
    case 'text':
    case 'sent-date':
      return true;
    case 'not':
      return needsContent(key.key);
    case 'or':
      return needsContent(key.left) || needsContent(key.right);
    case 'and':
      return key.keys.some(needsContent);
    default:
      return false;
  }
}

function compareDay(actual: CalendarDay | undefined, comparison: DateComparison, wanted: CalendarDay): boolean {
  if (actual === undefined) return false;
  if (comparison === 'before') return actual < wanted;
  if (comparison === 'on') return actual === wanted;
  return actual >= wanted;
}

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

/** Evaluates a key. `content` must be given when `needsContent(key)`. */
export function matches(key: SearchKey, candidate: SearchCandidate, scope: SearchScope, content?: SearchableMessage): boolean {
  switch (key.kind) {
    case 'all':
      return true;
    case 'flag': {
      const wanted = key.flag.toLowerCase();
      return candidate.flags.some((f) => f.toLowerCase() === wanted) === key.present;
    }
    case 'recent':
      return candidate.recent === key.present;
    case 'header': {
      const values = requireContent(content).headerValues(key.field);
      return values.length > 0 && (key.value === '' || values.some((v) => contains(v, key.value)));
    }
    case 'body':
      return contains(requireContent(content).bodyText(), key.value);
    case 'text':
      return contains(requireContent(content).fullText(), key.value);
    case 'internal-date':
      return compareDay(dayOfInstant(candidate.internalDate), key.comparison, key.day);
    case 'sent-date':
      return compareDay(requireContent(content).sentDay(), key.comparison, key.day);
    case 'size':
      return key.larger ? candidate.size > key.octets : candidate.size < key.octets;
    case 'uid':
      return key.set.has(candidate.uid, scope.maxUid);
    case 'sequence':
      return key.set.has(candidate.sequence, scope.maxSequence);
    case 'not':
      return !matches(key.key, candidate, scope, content);
    case 'or':
      return matches(key.left, candidate, scope, content) || matches(key.right, candidate, scope, content);
    case 'and':
      return key.keys.every((k) => matches(k, candidate, scope, content));
  }
}

function requireContent(content: SearchableMessage | undefined): SearchableMessage {
  if (!content) throw new Error('this search key needs the message content');
  return content;
}

/** A message as SEARCH reads it: header values with RFC 2047 decoded, text parts with transfer encoding and charset undone. */
export class SearchableMessage {
  private readonly root: MimePart;
  private body: string | undefined;
  private header: string | undefined;

  constructor(private readonly message: Buffer) {
    this.root = parseMime(message);
  }

  headerValues(field: string): string[] {
    const key = field.toLowerCase();
    return this.root.fields.filter((f) => f.key === key).map((f) => decodeHeaderValue(f.value));
  }

  sentDay(): CalendarDay | undefined {
    const date = headerValue(this.root.fields, 'date');
    return date === undefined ? undefined : dayOfHeaderDate(date);
  }

  bodyText(): string {
    this.body ??= this.textOf(this.root, false);
    return this.body;
  }

  fullText(): string {
    this.header ??= this.root.fields.map((f) => `${f.name}: ${decodeHeaderValue(f.value)}`).join('\n');
    return `${this.header}\n${this.bodyText()}`;
  }

  /** The readable text of a part and its sub-parts; non-text leaves (images, archives) contribute nothing. */
  private textOf(part: MimePart, withHeader: boolean): string {
    const header = withHeader ? part.fields.map((f) => `${f.name}: ${decodeHeaderValue(f.value)}`).join('\n') : '';
    if (part.children.length > 0) return [header, ...part.children.map((c) => this.textOf(c, false))].join('\n');
    if (part.message) return `${header}\n${this.textOf(part.message, true)}`;
    if (part.contentType.value !== 'text') return header;
    const encoding = headerValue(part.fields, 'content-transfer-encoding');
    const charset = part.contentType.params.find(([name]) => name === 'charset')?.[1];
    const decoded = decodeTransfer(this.message.subarray(part.bodyStart, part.end), encoding);
    return `${header}\n${decodeCharset(decoded, charset)}`;
  }
}
