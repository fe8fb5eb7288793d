import { bad } from './errors.js';
import { decodeMailboxName } from './protocol/mutf7.js';
import { SequenceSet } from './protocol/sequence-set.js';
import { describeToken, type ListToken, type Token } from './protocol/tokens.js';

/** Argument parsers turn one token into a typed value or throw a BAD that says what was expected. */
export type ArgParser<T> = (token: Token) => T;

type Parsed<P> = { [K in keyof P]: P[K] extends ArgParser<infer T> ? T : never };

/** A fixed number of arguments, each with its parser. */
export function positional<P extends ArgParser<unknown>[]>(...parsers: P): (tokens: Token[]) => Parsed<P> {
  return (tokens) => {
    if (tokens.length !== parsers.length) {
      throw bad(tokens.length < parsers.length ? 'Missing arguments' : 'Too many arguments');
    }
    return parsers.map((parse, i) => parse(tokens[i]!)) as Parsed<P>;
  };
}

export function noArguments(tokens: Token[]): void {
  if (tokens.length > 0) throw bad('This command takes no arguments');
}

/** astring (RFC 3501 §9): an atom, a quoted string or a literal. */
export function astring(what: string): ArgParser<string> {
  return (token) => {
    if (token.kind === 'atom') return token.value;
    if (token.kind === 'string') return token.value.toString('utf8');
    throw bad(`Expected ${what}, found ${describeToken(token)}`);
  };
}

/** Like astring, for values that must be strings (quoted or literal) or a bare atom, as bytes. */
export function stringBytes(what: string): ArgParser<Buffer> {
  return (token) => {
    if (token.kind === 'string') return token.value;
    if (token.kind === 'atom') return Buffer.from(token.value, 'utf8');
    throw bad(`Expected ${what}, found ${describeToken(token)}`);
  };
}

export function atom(what: string): ArgParser<string> {
  return (token) => {
    if (token.kind !== 'atom') throw bad(`Expected ${what}, found ${describeToken(token)}`);
    return token.value;
  };
}

export function list(what: string): ArgParser<Token[]> {
  return (token) => {
    if (token.kind !== 'list') throw bad(`Expected ${what} in parentheses, found ${describeToken(token)}`);
    return (token as ListToken).items;
  };
}

/** A mailbox name: INBOX in any case is INBOX (RFC 3501 §5.1); others must be valid modified UTF-7. */
export const mailboxName: ArgParser<string> = (token) => {
  const name = astring('a mailbox name')(token);
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  if (decodeMailboxName(name) === undefined) {
    throw bad('Mailbox names are written in modified UTF-7 (RFC 3501 §5.1.3): non-ASCII letters go between & and -');
  }
  return name;
};

export const sequenceSet: ArgParser<SequenceSet> = (token) => {
  const set = token.kind === 'atom' ? SequenceSet.parse(token.value) : undefined;
  if (!set) throw bad(`Expected a sequence set like 1:5,7 or 1:*, found ${describeToken(token)}`);
  return set;
};

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/**
 * A flag list for STORE and APPEND (RFC 3501 §9 flag-list): system flags in canonical spelling and
 * keyword atoms. \Recent cannot be set by a client, and no other \-flag exists.
 */
export const flagList: ArgParser<string[]> = (token) => {
  const items = token.kind === 'list' ? token.items : [token];
  return items.map((item) => {
    if (item.kind !== 'atom') throw bad(`Expected a flag, found ${describeToken(item)}`);
    if (item.value.startsWith('\\')) {
      const system = SYSTEM_FLAGS.find((f) => f.toLowerCase() === item.value.toLowerCase());
      if (!system) throw bad(`${item.value} is not a flag a client can set (use \\Seen \\Answered \\Flagged \\Deleted \\Draft or a keyword)`);
      return system;
    }
    if (!/^[\x21-\x7e]+$/.test(item.value) || /[\]%*]/.test(item.value)) throw bad(`${item.value} is not a valid keyword`);
    return item.value;
  });
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** APPEND's date-time (RFC 3501 §9): `"17-Jul-1996 02:44:25 -0700"`. */
export const dateTime: ArgParser<Date> = (token) => {
  const text = token.kind === 'string' ? token.value.toString('latin1') : '';
  const match = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = match ? MONTHS.findIndex((m) => m.toLowerCase() === match[2]!.toLowerCase()) : -1;
  if (!match || month === -1) throw bad(`Expected a date-time like "17-Jul-1996 02:44:25 -0700", found ${describeToken(token)}`);
  const [, day, , year, hour, minute, second, sign, zoneHours, zoneMinutes] = match;
  const offset = (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  const utc = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second)) - offset * 60_000;
  const date = new Date(utc);
  if (Number.isNaN(date.getTime())) throw bad(`${text} is not a valid date-time`);
  return date;
};

/** INTERNALDATE as IMAP writes it (RFC 3501 §9 date-time), in the server's time zone. */
export function formatDateTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const pad = (n: number): string => String(n).padStart(2, '0');
  // date-day-fixed allows " 1" or "01" (RFC 3501 §9); Dovecot writes "01", and so do we.
  const day = pad(date.getDate());
  return `${day}-${MONTHS[date.getMonth()]}-${date.getFullYear()} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}
