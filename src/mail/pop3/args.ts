import type { ArgParser, Refusal } from './command.js';
import type { Pop3Session } from './session.js';

/**
 * Argument parsers for the gate. Arguments are separated by spaces (RFC 1939 §3); message numbers
 * must name a message of this session that is not marked deleted.
 */
type Result<A> = { ok: true; value: A } | { ok: false; refusal: Refusal };

const ok = <A>(value: A): Result<A> => ({ ok: true, value });
const refuse = (reply: Refusal['reply'], values?: Refusal['values']): Result<never> => ({ ok: false, refusal: { reply, ...(values ? { values } : {}) } });

function words(text: string): string[] {
  return text.split(' ').filter((w) => w !== '');
}

function messageNumber(word: string, session: Pop3Session): Result<number> {
  if (!/^\d{1,9}$/.test(word)) return refuse('badNumber', { value: word });
  const number = Number(word);
  const found = session.maildrop?.lookup(number) ?? 'absent';
  if (found === 'deleted') return refuse('messageDeleted');
  if (found === 'absent') return refuse('noSuchMessage', { number });
  return ok(number);
}

/** Syntax errors name the command's syntax; the parser knows it from the command it belongs to. */
function syntaxError(syntax: string): Result<never> {
  return refuse('syntax', { syntax });
}

export function none(syntax: string): ArgParser<undefined> {
  return (text) => (words(text).length === 0 ? ok(undefined) : syntaxError(syntax));
}

export function message(syntax: string): ArgParser<number> {
  return (text, session) => {
    const [word, extra] = words(text);
    return word === undefined || extra !== undefined ? syntaxError(syntax) : messageNumber(word, session);
  };
}

export function optionalMessage(syntax: string): ArgParser<number | undefined> {
  return (text, session) => {
    const [word, extra] = words(text);
    if (word === undefined) return ok(undefined);
    return extra !== undefined ? syntaxError(syntax) : messageNumber(word, session);
  };
}

/** TOP msg n: a message and a non-negative line count. */
export function messageAndLines(syntax: string): ArgParser<{ number: number; lines: number }> {
  return (text, session) => {
    const [word, count, extra] = words(text);
    if (word === undefined || count === undefined || extra !== undefined || !/^\d{1,9}$/.test(count)) return syntaxError(syntax);
    const number = messageNumber(word, session);
    return number.ok ? ok({ number: number.value, lines: Number(count) }) : number;
  };
}

/** One word (USER name). */
export function word(syntax: string): ArgParser<string> {
  return (text) => {
    const [first, extra] = words(text);
    return first === undefined || extra !== undefined ? syntaxError(syntax) : ok(first);
  };
}

/** The rest of the line as typed (PASS: a password may contain spaces, RFC 1939 §7). */
export function rest(syntax: string): ArgParser<string> {
  return (text) => (text === '' ? syntaxError(syntax) : ok(text));
}

/** AUTH [mechanism [initial-response]] (RFC 5034 §4). */
export function mechanism(syntax: string): ArgParser<{ mechanism?: string; initial?: string }> {
  return (text) => {
    const [name, initial, extra] = words(text);
    if (extra !== undefined) return syntaxError(syntax);
    return ok({ ...(name ? { mechanism: name.toUpperCase() } : {}), ...(initial !== undefined ? { initial } : {}) });
  };
}
