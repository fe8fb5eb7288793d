import { parseImapDate, type DateComparison, type SearchKey } from '../../mime/index.js';
import { bad, no } from '../errors.js';
import { SequenceSet } from '../protocol/sequence-set.js';
import { describeToken, type Token } from '../protocol/tokens.js';
import { code } from '../responses.js';

/** Charsets SEARCH understands (RFC 3501 §6.4.4 asks for US-ASCII; UTF-8 is what clients send). */
const CHARSETS = ['US-ASCII', 'UTF-8'];

/** Keys that are just a flag test: name → [flag, present]. */
const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};

/** Keys that search a header field for a string. */
const HEADER_KEYS: Record<string, string> = { BCC: 'bcc', CC: 'cc', FROM: 'from', SUBJECT: 'subject', TO: 'to' };

const DATE_KEYS: Record<string, ['internal-date' | 'sent-date', DateComparison]> = {
  BEFORE: ['internal-date', 'before'],
  ON: ['internal-date', 'on'],
  SINCE: ['internal-date', 'since'],
  SENTBEFORE: ['sent-date', 'before'],
  SENTON: ['sent-date', 'on'],
  SENTSINCE: ['sent-date', 'since'],
};

class KeyReader {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  next(what: string): Token {
    const token = this.tokens[this.i++];
    if (!token) throw bad(`Missing ${what}`);
    return token;
  }

  string(what: string): string {
    const token = this.next(what);
    if (token.kind === 'atom') return token.value;
    if (token.kind === 'string') return token.value.toString('utf8');
    throw bad(`Expected ${what}, found ${describeToken(token)}`);
  }

  key(): SearchKey {
    const token = this.next('a search key');
    if (token.kind === 'list') {
      const inner = new KeyReader(token.items);
      const keys: SearchKey[] = [];
      while (!inner.done) keys.push(inner.key());
      if (keys.length === 0) throw bad('Empty parentheses in SEARCH');
      return keys.length === 1 ? keys[0]! : { kind: 'and', keys };
    }
    if (token.kind !== 'atom') throw bad(`Expected a search key, found ${describeToken(token)}`);
    const name = token.value.toUpperCase();
    const flag = FLAG_KEYS[name];
    if (flag) return { kind: 'flag', flag: flag[0], present: flag[1] };
    const header = HEADER_KEYS[name];
    if (header) return { kind: 'header', field: header, value: this.string(`the text to find in ${name}`) };
    const date = DATE_KEYS[name];
    if (date) {
      const text = this.string('a date like 1-Feb-2024');
      const day = parseImapDate(text);
      if (day === undefined) throw bad(`Expected a date like 1-Feb-2024, found ${text}`);
      return { kind: date[0], comparison: date[1], day };
    }
    switch (name) {
      case 'ALL':
        return { kind: 'all' };
      case 'NEW':
        return { kind: 'and', keys: [{ kind: 'recent', present: true }, { kind: 'flag', flag: '\\Seen', present: false }] };
      case 'OLD':
        return { kind: 'recent', present: false };
      case 'RECENT':
        return { kind: 'recent', present: true };
      case 'BODY':
        return { kind: 'body', value: this.string('the text to find in the body') };
      case 'TEXT':
        return { kind: 'text', value: this.string('the text to find') };
      case 'HEADER': {
        const field = this.string('a header field name');
        return { kind: 'header', field, value: this.string('the text to find in the field') };
      }
      case 'KEYWORD':
      case 'UNKEYWORD':
        return { kind: 'flag', flag: this.string('a keyword'), present: name === 'KEYWORD' };
      case 'LARGER':
      case 'SMALLER': {
        const size = this.string('a size in octets');
        if (!/^\d{1,10}$/.test(size)) throw bad(`Expected a size in octets, found ${size}`);
        return { kind: 'size', larger: name === 'LARGER', octets: Number(size) };
      }
      case 'NOT':
        return { kind: 'not', key: this.key() };
      case 'OR': {
        const left = this.key();
        return { kind: 'or', left, right: this.key() };
      }
      case 'UID': {
        const set = SequenceSet.parse(this.string('a UID set'));
        if (!set) throw bad('Expected a UID set like 1:5 after UID');
        return { kind: 'uid', set };
      }
      default: {
        const set = SequenceSet.parse(token.value);
        if (!set) throw bad(`Unknown search key ${token.value}`);
        return { kind: 'sequence', set };
      }
    }
  }
}

/** `[CHARSET name] key…` (RFC 3501 §6.4.4), several keys meaning all of them. */
export function parseSearch(tokens: Token[]): SearchKey {
  let rest = tokens;
  const first = tokens[0];
  if (first?.kind === 'atom' && first.value.toUpperCase() === 'CHARSET') {
    const charset = tokens[1];
    const name = charset?.kind === 'atom' ? charset.value : charset?.kind === 'string' ? charset.value.toString('latin1') : '';
    if (!CHARSETS.includes(name.toUpperCase())) {
      throw no(`Charset ${name || '(none)'} is not supported`, code('BADCHARSET', `(${CHARSETS.join(' ')})`));
    }
    rest = tokens.slice(2);
  }
  const reader = new KeyReader(rest);
  const keys: SearchKey[] = [];
  while (!reader.done) keys.push(reader.key());
  if (keys.length === 0) throw bad('SEARCH needs at least one key, like ALL or UNSEEN');
  return keys.length === 1 ? keys[0]! : { kind: 'and', keys };
}
