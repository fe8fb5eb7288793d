/**
 * Response values and how they go on the wire (RFC 3501 §4): strings are quoted when they can be and
 * sent as literals when they cannot (CR, LF, NUL, 8-bit bytes, or long), NIL for absent values.
 */

/** Written exactly as given: flags, keywords, `BODY[1]<0>`, response-code names. Only for server-made text. */
export class Atom {
  constructor(readonly text: string) {}
}

/** Always written as a literal `{n}`: message bytes (BODY[…], RFC822). */
export class Literal {
  constructor(readonly bytes: Buffer) {}
}

/**
 * A parenthesized list whose items follow each other with no space, as the grammar writes address
 * lists (`env-from = "(" 1*address ")"`, RFC 3501 §9).
 */
export class Adjacent {
  constructor(readonly items: readonly ImapValue[]) {}
}

export type ImapValue = null | number | string | Buffer | Atom | Literal | Adjacent | readonly ImapValue[];

export function atom(text: string): Atom {
  return new Atom(text);
}

/** Longest string we send quoted; longer ones go as literals, as Dovecot does. */
const MAX_QUOTED = 4096;

function canQuote(bytes: Buffer): boolean {
  if (bytes.length > MAX_QUOTED) return false;
  for (const byte of bytes) {
    if (byte === 0 || byte === 0x0a || byte === 0x0d || byte >= 0x80) return false;
  }
  return true;
}

/** Collects a response as text pieces and literal buffers, joined once at the end. */
export class ResponseBuilder {
  private readonly chunks: Buffer[] = [];
  private text = '';

  /** `allocate` gives the memory text pieces are written to (a session's output arena). */
  constructor(private readonly allocate?: (bytes: number) => Buffer) {}

  raw(text: string): this {
    this.text += text;
    return this;
  }

  value(value: ImapValue): this {
    if (value === null) this.text += 'NIL';
    else if (typeof value === 'number') this.text += String(value);
    else if (typeof value === 'string') this.string(Buffer.from(value, 'utf8'));
    else if (Buffer.isBuffer(value)) this.string(value);
    else if (value instanceof Atom) this.text += value.text;
    else if (value instanceof Literal) this.literal(value.bytes);
    else if (value instanceof Adjacent) {
      this.text += '(';
      for (const item of value.items) this.value(item);
      this.text += ')';
    }
    else this.list(value as readonly ImapValue[]);
    return this;
  }

  list(items: readonly ImapValue[]): this {
    this.text += '(';
    items.forEach((item, i) => {
      if (i > 0) this.text += ' ';
      this.value(item);
    });
    this.text += ')';
    return this;
  }

  /** A string: quoted when every byte allows it, otherwise a literal. */
  string(bytes: Buffer): this {
    if (!canQuote(bytes)) return this.literal(bytes);
    const text = bytes.toString('latin1');
    this.text += `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    return this;
  }

  literal(bytes: Buffer): this {
    this.text += `{${bytes.length}}\r\n`;
    this.flushText();
    this.chunks.push(bytes);
    return this;
  }

  /** The response so far as one buffer. */
  build(): Buffer {
    const chunks = this.pieces();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  /** The response so far as its pieces, literals not copied (a FETCH BODY[] answer goes out as it was read). */
  pieces(): Buffer[] {
    this.flushText();
    return this.chunks;
  }

  private flushText(): void {
    if (this.text.length === 0) return;
    if (this.allocate) {
      const piece = this.allocate(Buffer.byteLength(this.text, 'utf8'));
      piece.write(this.text, 'utf8');
      this.chunks.push(piece);
    } else {
      this.chunks.push(Buffer.from(this.text, 'utf8'));
    }
    this.text = '';
  }
}

/** One complete untagged or tagged line from values: `* 3 FETCH (FLAGS (\Seen))`. */
export function encodeLine(prefix: string, values: readonly ImapValue[] = []): Buffer {
  const builder = new ResponseBuilder().raw(prefix);
  for (const value of values) builder.raw(' ').value(value);
  return builder.raw('\r\n').build();
}
