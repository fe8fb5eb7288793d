import { RrClass, typeCode } from '../wire/constants.js';
import { FormatError } from '../wire/errors.js';
import { canonicalName } from '../wire/name.js';
import type { ResourceRecord } from '../wire/rdata.js';
import { parseRdata, parseTtl, type Token } from './rr-text.js';

/** A mistake in a zone file, with the file and line, as BIND's named-checkzone reports it. */
export class ZoneFileError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    message: string,
  ) {
    super(`${source}:${line}: ${message}`);
    this.name = 'ZoneFileError';
  }
}

interface Entry {
  line: number;
  /** The line began with blank space: the owner is the previous record's (RFC 1035 §5.1). */
  inheritsOwner: boolean;
  tokens: Token[];
}

/**
 * Reads a zone in RFC 1035 §5 master-file format, as BIND writes and loads it: `$ORIGIN`, `$TTL`, `@`,
 * relative names, parentheses across lines, `;` comments, quoted strings, TTL and class in either
 * order, TTL units (`1h`), and RFC 3597's generic `TYPEnnn \# len hex`. Only class IN is served.
 */
export function parseZoneFile(text: string, origin: string, source = 'zone file'): ResourceRecord[] {
  let currentOrigin = canonicalName(origin);
  let defaultTtl: number | undefined;
  let lastOwner: string | undefined;
  let lastTtl: number | undefined;
  const records: ResourceRecord[] = [];
  for (const entry of entries(text, source)) {
    const fail = (message: string): never => {
      throw new ZoneFileError(source, entry.line, message);
    };
    const toName = (word: string): string => {
      try {
        if (word === '@') return currentOrigin;
        if (word.endsWith('.') && !word.endsWith('\\.')) return canonicalName(word);
        return canonicalName(currentOrigin === '' ? word : `${word}.${currentOrigin}`);
      } catch (err) {
        return fail((err as Error).message);
      }
    };
    const words = entry.tokens;
    const first = words[0]?.text ?? '';
    if (!entry.inheritsOwner && !words[0]?.quoted && first.startsWith('$')) {
      const directive = first.toUpperCase();
      if (directive === '$ORIGIN' && words.length === 2) currentOrigin = toName(words[1]?.text ?? '');
      else if (directive === '$TTL' && words.length === 2) defaultTtl = wrap(() => parseTtl(words[1]?.text ?? ''), fail);
      else if (directive === '$INCLUDE') fail('$INCLUDE is not supported: put the records in this file');
      else fail(`unknown or malformed directive ${first}`);
      continue;
    }
    let at = 0;
    let owner: string;
    if (entry.inheritsOwner) {
      if (lastOwner === undefined) fail('the first record has no owner name');
      owner = lastOwner as string;
    } else {
      owner = toName(first);
      at = 1;
    }
    let ttl: number | undefined;
    let klass: number = RrClass.IN;
    let type: number | undefined;
    for (let guard = 0; guard < 2 && at < words.length && type === undefined; guard += 1) {
      const word = words[at]?.text ?? '';
      if (/^\d/.test(word) && ttl === undefined) {
        ttl = wrap(() => parseTtl(word), fail);
        at += 1;
      } else if (/^(IN|CH|HS|CLASS\d+)$/i.test(word)) {
        if (word.toUpperCase() !== 'IN') fail(`class ${word} is not served; only IN`);
        klass = RrClass.IN;
        at += 1;
      }
    }
    const typeWord = words[at]?.text ?? '';
    type = typeCode(typeWord);
    if (type === undefined) fail(`unknown record type ${typeWord || '(missing)'}`);
    const data = wrap(() => parseRdata(type as number, words.slice(at + 1), toName), fail);
    const effectiveTtl = ttl ?? (data.kind === 'SOA' && defaultTtl === undefined ? data.minimum : (defaultTtl ?? lastTtl));
    if (effectiveTtl === undefined) fail('no TTL: give one on the record or with $TTL');
    lastOwner = owner;
    lastTtl = effectiveTtl;
    records.push({ name: owner, type: type as number, class: klass, ttl: effectiveTtl as number, data });
  }
  return records;
}

function wrap<T>(work: () => T, fail: (message: string) => never): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof FormatError) return fail(err.message);
    throw err;
  }
}

/** Splits the text into logical entries: comments dropped, parenthesised groups joined, quotes kept. */
function entries(text: string, source: string): Entry[] {
  const result: Entry[] = [];
  let current: Entry | undefined;
  let depth = 0;
  let line = 1;
  let startOfLine = true;
  let i = 0;
  const push = (token: Token, tokenLine: number, leadingBlank: boolean): void => {
    if (!current) {
      current = { line: tokenLine, inheritsOwner: leadingBlank, tokens: [] };
      result.push(current);
    }
    current.tokens.push(token);
  };
  let leadingBlank = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\n') {
      line += 1;
      i += 1;
      startOfLine = true;
      leadingBlank = false;
      if (depth === 0) current = undefined;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      if (startOfLine && depth === 0 && !current) leadingBlank = true;
      i += 1;
      continue;
    }
    startOfLine = false;
    if (ch === ';') {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    if (ch === '(') {
      depth += 1;
      i += 1;
      continue;
    }
    if (ch === ')') {
      if (depth === 0) throw new ZoneFileError(source, line, 'unbalanced )');
      depth -= 1;
      i += 1;
      continue;
    }
    const tokenLine = line;
    if (ch === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) {
          value += text.slice(j, j + 2);
          j += 2;
        } else {
          if (text[j] === '\n') line += 1;
          value += text[j];
          j += 1;
        }
      }
      if (j >= text.length) throw new ZoneFileError(source, tokenLine, 'unterminated quoted string');
      push({ text: value, quoted: true }, tokenLine, leadingBlank);
      i = j + 1;
    } else {
      let j = i;
      let value = '';
      while (j < text.length && !/[\s;()"]/.test(text[j] as string)) {
        if (text[j] === '\\' && j + 1 < text.length) {
          value += text.slice(j, j + 2);
          j += 2;
        } else {
          value += text[j];
          j += 1;
        }
      }
      push({ text: value, quoted: false }, tokenLine, leadingBlank);
      i = j;
    }
  }
  if (depth !== 0) throw new ZoneFileError(source, line, 'unbalanced (: a parenthesis is never closed');
  return result;
}
