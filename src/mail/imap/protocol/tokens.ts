/**
 * What the IMAP command parser produces: a tagged command whose arguments are a tree of tokens.
 * Meaning (a mailbox, a sequence set, a fetch item) is given to them by each command's argument schema.
 */

/** An unquoted word: ATOM, a number, NIL, a flag (`\Seen`), a sequence set (`1:*`), a LIST pattern (`%`). */
export interface AtomToken {
  kind: 'atom';
  value: string;
}

/** A quoted string or a literal (`{n}` / `{n+}`): the bytes as the client sent them. */
export interface StringToken {
  kind: 'string';
  value: Buffer;
  literal: boolean;
}

/** A parenthesized list. */
export interface ListToken {
  kind: 'list';
  items: Token[];
}

/**
 * A fetch attribute with a section, RFC 3501 §6.4.5: `BODY[1.HEADER.FIELDS (From)]<0.100>`.
 * `name` is the part before `[`, upper-cased; `section` the tokens between the brackets.
 */
export interface SectionToken {
  kind: 'section';
  name: string;
  section: Token[];
  partial?: { start: number; length?: number };
}

export type Token = AtomToken | StringToken | ListToken | SectionToken;

export interface Command {
  tag: string;
  /** Upper-cased; `UID FETCH`, `UID STORE`… for the UID forms. */
  name: string;
  args: Token[];
}

/** A command line split at its literals: `lines[i]` ends in `{n}` announcing `literals[i]`. */
export interface CommandFrame {
  lines: Buffer[];
  literals: Buffer[];
}

export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'atom':
      return token.value;
    case 'string':
      return token.literal ? `a literal of ${token.value.length} bytes` : `"${token.value.toString('utf8')}"`;
    case 'list':
      return 'a list';
    case 'section':
      return `${token.name}[…]`;
  }
}
