const LF = 0x0a;
const DOT = 0x2e;
const DOT_BYTE = Buffer.from('.');
const CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');
const LF_DOT = Buffer.from('\n.');

/**
 * A multi-line response body (RFC 1939 §3) as the pieces to send: every line that starts with "." gets
 * another "." in front, the body ends with CRLF, and a line holding only "." closes it. The message's
 * bytes are not copied here; the caller joins the pieces once, with the status line.
 */
export function dotStuffed(body: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  if (body.length > 0 && body[0] === DOT) parts.push(DOT_BYTE);
  for (let lf = body.indexOf(LF_DOT); lf !== -1; lf = body.indexOf(LF_DOT, lf + 1)) {
    parts.push(body.subarray(start, lf + 1), DOT_BYTE);
    start = lf + 1;
  }
  parts.push(body.subarray(start));
  if (body.length > 0 && !(body.length >= 2 && body[body.length - 2] === 0x0d && body[body.length - 1] === LF)) parts.push(CRLF);
  parts.push(TERMINATOR);
  return parts;
}

/** A multi-line response made of text lines (LIST, UIDL, CAPA). */
export function lineBlock(lines: readonly string[]): Buffer[] {
  return dotStuffed(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8'));
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
