import { RrType, className, typeName } from '../wire/constants.js';
import { FormatError } from '../wire/errors.js';
import { canonicalName, fqdn } from '../wire/name.js';
import { ipv4ToBytes, ipv6ToBytes, ipv6ToText, type Rdata, type ResourceRecord } from '../wire/rdata.js';

/** Record data in master-file form (RFC 1035 §5.1, RFC 3597 §5 for unknown types), names fully qualified. */
export function rdataToText(data: Rdata): string {
  switch (data.kind) {
    case 'A':
    case 'AAAA':
      return data.address;
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'DNAME':
      return fqdn(data.target);
    case 'MX':
      return `${data.preference} ${fqdn(data.exchange)}`;
    case 'SRV':
      return `${data.priority} ${data.weight} ${data.port} ${fqdn(data.target)}`;
    case 'TXT':
      return data.strings.map(quote).join(' ');
    case 'SOA':
      return `${fqdn(data.mname)} ${fqdn(data.rname)} ${data.serial} ${data.refresh} ${data.retry} ${data.expire} ${data.minimum}`;
    case 'CAA':
      return `${data.flags} ${data.tag} ${quote(data.value)}`;
    case 'unknown':
      return `\\# ${data.bytes.length}${data.bytes.length > 0 ? ` ${data.bytes.toString('hex')}` : ''}`;
  }
}

/** `www.st.um. 604800 IN CNAME st.um.` — dig's form, used by the tap and the zone writer. */
export function recordToText(rr: ResourceRecord): string {
  return `${fqdn(rr.name)} ${rr.ttl} ${className(rr.class)} ${typeName(rr.type)} ${rdataToText(rr.data)}`;
}

/** The short form the tap notes use: `CNAME st.um`, `A 127.0.0.1`, `MX 10 mail.st.um`. */
export function recordBrief(rr: ResourceRecord): string {
  const text = rdataToText(rr.data).replace(/\.(?= |$)/g, '');
  return `${typeName(rr.type)} ${text}`;
}

function quote(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\${byte.toString().padStart(3, '0')}`;
  }
  return `"${text}"`;
}

/** A token of a master file: its text with escapes kept, and whether it was quoted. */
export interface Token {
  text: string;
  quoted: boolean;
}

/** Undoes `\X` and `\DDD` escapes of a character-string (RFC 1035 §5.1). */
export function unescapeString(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '\\') {
      const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
      if (digits) {
        bytes.push(Number(digits[0]) & 0xff);
        i += 3;
      } else {
        bytes.push(text.charCodeAt(i + 1) & 0xff);
        i += 1;
      }
    } else {
      for (const b of Buffer.from(text[i] ?? '', 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}

/**
 * Parses record data from master-file tokens. `toName` turns a (possibly relative) name token into a
 * canonical absolute name.
 */
export function parseRdata(type: number, tokens: Token[], toName: (token: string) => string): Rdata {
  const words = tokens.map((t) => t.text);
  if (words[0] === '\\#') return parseGeneric(type, words);
  const count = (n: number): void => {
    if (words.length !== n) throw new FormatError(`${typeName(type)} needs ${n} field(s), found ${words.length}`);
  };
  const num = (word: string | undefined, max: number): number => {
    if (word === undefined || !/^\d+$/.test(word) || Number(word) > max) throw new FormatError(`expected a number up to ${max}, found ${word ?? 'nothing'}`);
    return Number(word);
  };
  const w = (i: number): string => words[i] ?? '';
  switch (type) {
    case RrType.A:
      count(1);
      ipv4ToBytes(w(0));
      return { kind: 'A', address: w(0) };
    case RrType.AAAA:
      count(1);
      return { kind: 'AAAA', address: ipv6ToText(ipv6ToBytes(w(0))) };
    case RrType.NS:
    case RrType.CNAME:
    case RrType.PTR:
    case RrType.DNAME:
      count(1);
      return { kind: typeName(type) as 'NS', target: toName(w(0)) };
    case RrType.MX:
      count(2);
      return { kind: 'MX', preference: num(w(0), 0xffff), exchange: toName(w(1)) };
    case RrType.SRV:
      count(4);
      return { kind: 'SRV', priority: num(w(0), 0xffff), weight: num(w(1), 0xffff), port: num(w(2), 0xffff), target: toName(w(3)) };
    case RrType.TXT: {
      if (tokens.length === 0) throw new FormatError('TXT needs at least one string');
      const strings = tokens.map((t) => unescapeString(t.text));
      if (strings.some((s) => s.length > 255)) throw new FormatError('a TXT string is longer than 255 bytes; split it into several quoted strings');
      return { kind: 'TXT', strings };
    }
    case RrType.SOA:
      count(7);
      return {
        kind: 'SOA',
        mname: toName(w(0)),
        rname: toName(w(1)),
        serial: num(w(2), 0xffffffff),
        refresh: parseTtl(w(3)),
        retry: parseTtl(w(4)),
        expire: parseTtl(w(5)),
        minimum: parseTtl(w(6)),
      };
    case RrType.CAA:
      count(3);
      if (!/^[a-z0-9]+$/i.test(w(1))) throw new FormatError(`CAA tag ${w(1)} must be letters and digits`);
      return { kind: 'CAA', flags: num(w(0), 255), tag: w(1), value: unescapeString(w(2)) };
    default:
      throw new FormatError(`${typeName(type)} records are written in the generic form: \\# LENGTH HEX`);
  }
}

function parseGeneric(type: number, words: string[]): Rdata {
  const length = Number(words[1]);
  const hex = words.slice(2).join('');
  if (!/^\d+$/.test(words[1] ?? '') || !/^[0-9a-f]*$/i.test(hex) || hex.length !== length * 2) {
    throw new FormatError(`generic data \\# must give a length and that many bytes in hex`);
  }
  const bytes = Buffer.from(hex, 'hex');
  if (type === RrType.A && bytes.length === 4) return { kind: 'A', address: [...bytes].join('.') };
  return { kind: 'unknown', bytes };
}

/** A TTL in seconds or BIND's units (`1h30m`, `1w`, `2d`). */
export function parseTtl(word: string): number {
  if (/^\d+$/.test(word)) {
    const value = Number(word);
    if (value > 0x7fffffff) throw new FormatError(`TTL ${word} is larger than 2147483647 (RFC 2181 §8)`);
    return value;
  }
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  const parts = /^(\d+[smhdw])+$/i.test(word) ? word.toLowerCase().match(/\d+[smhdw]/g) : null;
  if (!parts) throw new FormatError(`not a TTL: ${word} (seconds, or units like 1h30m, 2d, 1w)`);
  return parts.reduce((sum, part) => sum + Number(part.slice(0, -1)) * (units[part.slice(-1)] as number), 0);
}

/** Owner names relative to the origin, as in the seed's db.st.um: `@`, `www`, `_imap._tcp`. */
export function relativeName(name: string, origin: string): string {
  const key = canonicalName(name);
  if (key === origin) return '@';
  if (origin !== '' && key.endsWith(`.${origin}`)) return name.slice(0, name.length - origin.length - 1);
  return fqdn(name);
}
