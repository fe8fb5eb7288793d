const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** One header field (RFC 5322 §2.2) as it sits in the message. */
export interface HeaderField {
  /** The name as written. */
  name: string;
  /** The name in lower case, for lookups. */
  key: string;
  /** The whole field, folded lines and line end included: `start`..`end` in the message. */
  start: number;
  end: number;
  /** The value unfolded (RFC 5322 §2.2.3) and trimmed, one character per byte (latin1), so no byte is lost. */
  value: string;
}

export interface ParsedHeader {
  fields: HeaderField[];
  /** Where the body starts: after the empty line, or `end` when the header runs to the end. */
  bodyStart: number;
}

/**
 * Splits a header block into fields, from `start` up to the empty line that ends it. Lines that are
 * neither a field nor a continuation are kept in the block but are not fields (as Dovecot does).
 */
export function parseHeader(message: Buffer, start: number, end: number): ParsedHeader {
  const fields: HeaderField[] = [];
  let current: { name: string; start: number; valueStart: number; end: number } | undefined;
  const finish = (): void => {
    if (!current) return;
    fields.push({
      name: current.name,
      key: current.name.toLowerCase(),
      start: current.start,
      end: current.end,
      value: unfold(message.toString('latin1', current.valueStart, current.end)),
    });
    current = undefined;
  };
  let pos = start;
  while (pos < end) {
    const lf = message.indexOf(LF, pos);
    const hasLf = lf !== -1 && lf < end;
    const lineEnd = hasLf ? lf + 1 : end;
    if (hasLf && (lf === pos || (lf === pos + 1 && message[pos] === CR))) {
      finish();
      return { fields, bodyStart: lineEnd };
    }
    const first = message[pos]!;
    if ((first === SP || first === TAB) && current) {
      current.end = lineEnd;
    } else {
      finish();
      const colon = message.indexOf(COLON, pos);
      if (colon !== -1 && colon < lineEnd) {
        const name = message.toString('latin1', pos, colon).replace(/[ \t]+$/, '');
        if (name.length > 0 && /^[\x21-\x7e]+$/.test(name)) current = { name, start: pos, valueStart: colon + 1, end: lineEnd };
      }
    }
    pos = lineEnd;
  }
  finish();
  return { fields, bodyStart: end };
}

function unfold(raw: string): string {
  return raw.replace(/\r?\n/g, '').replace(/^[ \t]+|[ \t]+$/g, '');
}

/** The first field named `key` (lower case), or undefined. */
export function headerValue(fields: readonly HeaderField[], key: string): string | undefined {
  return fields.find((f) => f.key === key)?.value;
}

/**
 * The fields whose names are (or, with `not`, are not) in `names`, as they were written, followed by
 * the empty line that ends a header: BODY[HEADER.FIELDS (…)] (RFC 3501 §6.4.5).
 */
export function selectFields(message: Buffer, header: { fields: readonly HeaderField[]; start: number; bodyStart: number }, names: readonly string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const parts: Buffer[] = [];
  for (const field of header.fields) {
    if (wanted.has(field.key) === not) continue;
    parts.push(message.subarray(field.start, field.end));
    if (message[field.end - 1] !== LF) parts.push(CRLF);
  }
  // The empty line that ends a header is kept, and added when fields were found in a header that lacks it (as Dovecot does).
  if (parts.length > 0 || endsWithEmptyLine(message, header.start, header.bodyStart)) parts.push(CRLF);
  return Buffer.concat(parts);
}

const CRLF = Buffer.from('\r\n');

function endsWithEmptyLine(message: Buffer, start: number, end: number): boolean {
  if (end - start >= 1 && message[end - 1] !== LF) return false;
  const before = end - 2 >= start && message[end - 2] === CR ? end - 3 : end - 2;
  return before < start || message[before] === LF;
}
