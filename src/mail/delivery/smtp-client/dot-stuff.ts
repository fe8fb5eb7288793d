const CRLF = Buffer.from('\r\n');
const END_OF_DATA = Buffer.from('.\r\n');
const DOT = Buffer.from('.');

/**
 * The message as DATA sends it (RFC 5321 §4.5.2): a line that begins with "." gets a second one,
 * the text ends with CRLF, then "." on a line of its own. Works on slices of the original, so a
 * large message is not copied line by line.
 */
export function dotStuff(message: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  if (message[0] === 0x2e) parts.push(DOT);
  for (let lf = message.indexOf(0x0a); lf !== -1; lf = message.indexOf(0x0a, lf + 1)) {
    if (message[lf + 1] === 0x2e) {
      parts.push(message.subarray(start, lf + 1), DOT);
      start = lf + 1;
    }
  }
  parts.push(message.subarray(start));
  const endsInLine = message.length >= 2 && message[message.length - 2] === 0x0d && message[message.length - 1] === 0x0a;
  if (message.length > 0 && !endsInLine) parts.push(CRLF);
  parts.push(END_OF_DATA);
  return parts;
}

/** Whether the message has bytes outside 7-bit ASCII, so it needs BODY=8BITMIME (RFC 6152). */
export function hasEightBit(message: Buffer): boolean {
  for (let i = 0; i < message.length; i++) if (message[i]! > 0x7f) return true;
  return false;
}
