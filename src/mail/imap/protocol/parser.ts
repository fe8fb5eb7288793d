import { trailingLiteral } from './literal-marker.js';
import type { Command, CommandFrame, SectionToken, Token } from './tokens.js';

export interface ParserLimits {
  /** Deepest nesting of parenthesized lists (SEARCH with nested ORs, BODY section lists). */
  maxDepth: number;
  /** Most tokens in one command, lists and their items counted. */
  maxTokens: number;
}

export const DEFAULT_PARSER_LIMITS: ParserLimits = { maxDepth: 16, maxTokens: 10_000 };

export type ParseResult =
  | { ok: true; command: Command }
  /** `tag` is absent when the line had no usable tag: the answer is then an untagged BAD. */
  | { ok: false; tag?: string; reason: string };

/** Fetch attributes that take a `[section]` (RFC 3501 §6.4.5; BINARY from RFC 3516 so it parses into a clean NO). */
const SECTION_ATOMS = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);

const SP = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LESS = 0x3c;

class SyntaxError extends Error {}

/** Tag characters: ASTRING-CHAR except "+" (RFC 3501 §9). */
function isTagChar(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && !'(){%*"\\+'.includes(String.fromCharCode(byte));
}

/**
 * Atom characters, a little wider than ATOM-CHAR as real servers are: `%` and `*` (LIST patterns,
 * sequence sets), `]` (astring) and 8-bit bytes (UTF-8 user names typed at telnet, as in the seed's
 * `1 login étudiant …`). Never SP, CTL, parentheses, `{` or `"`.
 */
function isAtomChar(byte: number): boolean {
  return byte > 0x20 && byte !== 0x7f && byte !== OPEN_PAREN && byte !== CLOSE_PAREN && byte !== OPEN_BRACE && byte !== QUOTE;
}

/**
 * Parses one command (RFC 3501 §9): `tag SP name [SP args]`, with quoted strings, literals, nested
 * lists and `BODY[section]<partial>`. Never throws: malformed input becomes a reason for a BAD.
 */
export function parseCommand(frame: CommandFrame, limits: ParserLimits = DEFAULT_PARSER_LIMITS): ParseResult {
  const parser = new Parser(frame, limits);
  let tag: string | undefined;
  try {
    tag = parser.tag();
    const command = parser.command(tag);
    return { ok: true, command };
  } catch (err) {
    if (err instanceof SyntaxError) return tag === undefined ? { ok: false, reason: err.message } : { ok: false, tag, reason: err.message };
    throw err;
  }
}

class Parser {
  private line = 0;
  private pos = 0;
  private tokens = 0;

  constructor(
    private readonly frame: CommandFrame,
    private readonly limits: ParserLimits,
  ) {}

  private get bytes(): Buffer {
    return this.frame.lines[this.line]!;
  }

  private peek(): number {
    return this.pos < this.bytes.length ? this.bytes[this.pos]! : -1;
  }

  private atLineEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  private atCommandEnd(): boolean {
    return this.atLineEnd() && this.line === this.frame.lines.length - 1;
  }

  tag(): string {
    const start = this.pos;
    while (!this.atLineEnd() && isTagChar(this.peek())) this.pos += 1;
    if (this.pos === start) {
      throw new SyntaxError(this.atLineEnd() ? 'Empty command line' : 'A command starts with a tag (like a001), then the command');
    }
    const tag = this.bytes.subarray(start, this.pos).toString('latin1');
    if (!this.atLineEnd() && this.peek() !== SP) throw new SyntaxError('Invalid characters in the tag');
    return tag;
  }

  command(tag: string): Command {
    if (this.atLineEnd()) throw new SyntaxError('Missing command name after the tag (write it as: a1 NOOP)');
    this.skipSpaces();
    let name = this.word('command name').toUpperCase();
    if (name === 'UID') {
      if (this.atLineEnd()) throw new SyntaxError('UID needs a command: UID FETCH, UID STORE, UID SEARCH, UID COPY, UID MOVE or UID EXPUNGE');
      this.skipSpaces();
      name = `UID ${this.word('command after UID').toUpperCase()}`;
    }
    const args: Token[] = [];
    while (!this.atCommandEnd()) {
      if (this.peek() !== SP) throw new SyntaxError(`Expected a space before the next argument, found ${this.describeHere()}`);
      this.skipSpaces();
      if (this.atCommandEnd()) break;
      args.push(this.token(0, false));
    }
    return { tag, name, args };
  }

  private skipSpaces(): void {
    while (this.peek() === SP) this.pos += 1;
  }

  /** A bare word made of letters, digits and a few marks (command names). */
  private word(what: string): string {
    const start = this.pos;
    while (!this.atLineEnd() && /[A-Za-z0-9.\-_]/.test(String.fromCharCode(this.peek()))) this.pos += 1;
    if (this.pos === start || (!this.atLineEnd() && this.peek() !== SP)) {
      throw new SyntaxError(`Invalid ${what}`);
    }
    return this.bytes.subarray(start, this.pos).toString('latin1');
  }

  private count(): void {
    this.tokens += 1;
    if (this.tokens > this.limits.maxTokens) throw new SyntaxError(`Too many arguments (the limit is ${this.limits.maxTokens})`);
  }

  private token(depth: number, inSection: boolean): Token {
    this.count();
    const byte = this.peek();
    if (byte === OPEN_PAREN) return this.list(depth + 1, inSection);
    if (byte === QUOTE) return this.quoted();
    if (byte === OPEN_BRACE) return this.literal();
    if (byte === -1) throw new SyntaxError('Unexpected end of command');
    return this.atom(inSection);
  }

  private list(depth: number, inSection: boolean): Token {
    if (depth > this.limits.maxDepth) throw new SyntaxError(`Lists nested too deeply (the limit is ${this.limits.maxDepth})`);
    this.pos += 1;
    const items: Token[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.atLineEnd()) throw new SyntaxError('Missing ")" at the end of a list');
      if (this.peek() === CLOSE_PAREN) {
        this.pos += 1;
        return { kind: 'list', items };
      }
      if (items.length > 0 && this.bytes[this.pos - 1] !== SP) {
        throw new SyntaxError(`Expected a space between list items, found ${this.describeHere()}`);
      }
      items.push(this.token(depth, inSection));
    }
  }

  private quoted(): Token {
    this.pos += 1;
    const out: number[] = [];
    for (;;) {
      if (this.atLineEnd()) throw new SyntaxError('Missing closing quote (") in a quoted string');
      const byte = this.peek();
      this.pos += 1;
      if (byte === QUOTE) return { kind: 'string', value: Buffer.from(out), literal: false };
      if (byte === BACKSLASH) {
        const next = this.peek();
        if (next !== QUOTE && next !== BACKSLASH) throw new SyntaxError('In a quoted string, "\\" may only escape " or \\');
        out.push(next);
        this.pos += 1;
      } else if (byte === 0 || byte === 0x0d) {
        throw new SyntaxError('A quoted string cannot hold NUL or CR; send it as a literal');
      } else {
        out.push(byte);
      }
    }
  }

  private literal(): Token {
    const marker = trailingLiteral(this.bytes);
    if (!marker || marker.offset !== this.pos || this.line >= this.frame.literals.length) {
      throw new SyntaxError('A literal {n} must end the line');
    }
    const value = this.frame.literals[this.line]!;
    if (value.length !== marker.size) throw new SyntaxError('Literal length does not match its {n}');
    this.line += 1;
    this.pos = 0;
    return { kind: 'string', value, literal: true };
  }

  private atom(inSection: boolean): Token {
    const start = this.pos;
    if (this.peek() === BACKSLASH) this.pos += 1;
    for (;;) {
      const byte = this.peek();
      if (byte === -1 || byte === SP || byte === CLOSE_PAREN || byte === OPEN_PAREN) break;
      if (inSection && byte === CLOSE_BRACKET) break;
      if (byte === OPEN_BRACKET && !inSection) {
        const name = this.bytes.subarray(start, this.pos).toString('latin1').toUpperCase();
        if (SECTION_ATOMS.has(name)) return this.section(name);
      }
      if (!isAtomChar(byte) || byte === BACKSLASH) throw new SyntaxError(`Unexpected ${this.describeHere()} in an atom`);
      this.pos += 1;
    }
    if (this.pos === start) throw new SyntaxError(`Unexpected ${this.describeHere()}`);
    return { kind: 'atom', value: this.bytes.subarray(start, this.pos).toString('utf8') };
  }

  private section(name: string): SectionToken {
    this.pos += 1;
    const section: Token[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.atLineEnd()) throw new SyntaxError('Missing "]" after a section');
      if (this.peek() === CLOSE_BRACKET) break;
      section.push(this.token(1, true));
    }
    this.pos += 1;
    const token: SectionToken = { kind: 'section', name, section };
    if (this.peek() === LESS) {
      const match = /^<(\d{1,10})(?:\.(\d{1,10}))?>/.exec(this.bytes.subarray(this.pos, this.pos + 24).toString('latin1'));
      if (!match) throw new SyntaxError('A partial range is written <start> or <start.length>');
      this.pos += match[0].length;
      token.partial = match[2] === undefined ? { start: Number(match[1]) } : { start: Number(match[1]), length: Number(match[2]) };
    }
    const next = this.peek();
    if (next !== -1 && next !== SP && next !== CLOSE_PAREN) throw new SyntaxError(`Unexpected ${this.describeHere()} after ${name}[…]`);
    return token;
  }

  private describeHere(): string {
    const byte = this.peek();
    if (byte === -1) return 'the end of the line';
    if (byte < 0x20 || byte >= 0x7f) return `byte 0x${byte.toString(16).padStart(2, '0')}`;
    return `"${String.fromCharCode(byte)}"`;
  }
}
