const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const LF_DOT = Buffer.from('\n.');

/**
 * A status line and its multi-line body (RFC 1939 §3) as one buffer: every body line that starts with
 * "." gets another "." in front, the body ends with CRLF, and a line holding only "." closes it. The
 * lines to stuff are found first, so the answer is allocated once and the message copied once.
 */
export function multilineReply(status: string, body: Buffer, allocate: (bytes: number) => Buffer = Buffer.allocUnsafe): Buffer {
  const startsWithDot = body.length > 0 && body[0] === DOT;
  // Where a line starts with a dot: found once, used to size the answer and to copy around them.
  const dotLines: number[] = [];
  for (let at = body.indexOf(LF_DOT); at !== -1; at = body.indexOf(LF_DOT, at + 2)) dotLines.push(at + 1);
  const endsWithCrlf = body.length === 0 || (body.length >= 2 && body[body.length - 2] === CR && body[body.length - 1] === LF);
  const statusBytes = Buffer.byteLength(status);
  const out = allocate(statusBytes + (startsWithDot ? 1 : 0) + dotLines.length + body.length + (endsWithCrlf ? 0 : 2) + 3);
  let written = out.write(status, 0, 'utf8');
  if (startsWithDot) out[written++] = DOT;
  let start = 0;
  for (const lineStart of dotLines) {
    written += body.copy(out, written, start, lineStart);
    out[written++] = DOT;
    start = lineStart;
  }
  written += body.copy(out, written, start);
  if (!endsWithCrlf) written += CRLF.copy(out, written);
  out[written++] = DOT;
  out[written++] = CR;
  out[written] = LF;
  return out;
}

/** The body of a multi-line response made of text lines (LIST, UIDL, CAPA). */
export function lineBlock(lines: readonly string[]): Buffer {
  return Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8');
}

/** TOP (RFC 1939 §7): the header, the blank line, and the first `lines` lines of the body. */
export function topOf(message: Buffer, lines: number): Buffer {
  const headerEnd = message.subarray(0, 2).equals(CRLF) ? 0 : message.indexOf('\r\n\r\n');
  if (headerEnd === -1) return message;
  let end = headerEnd === 0 ? 2 : headerEnd + 4;
  for (let n = 0; n < lines && end < message.length; n += 1) {
    const next = message.indexOf(CRLF, end);
    end = next === -1 ? message.length : next + 2;
  }
  return message.subarray(0, end);
}
