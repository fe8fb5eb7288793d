const LF = 0x0a;
const CR = 0x0d;

/** Octets of the message once every bare LF is a CRLF (Dovecot's "virtual size", `W=`). */
export function crlfSize(bytes: Buffer): number {
  let size = bytes.length;
  let at = bytes.indexOf(LF);
  while (at !== -1) {
    if (at === 0 || bytes[at - 1] !== CR) size += 1;
    at = bytes.indexOf(LF, at + 1);
  }
  return size;
}

/** The message with CRLF line ends; returned as is when it has no bare LF. */
export function toCrlf(bytes: Buffer): Buffer {
  const size = crlfSize(bytes);
  if (size === bytes.length) return bytes;
  const out = Buffer.allocUnsafe(size);
  let written = 0;
  let from = 0;
  let at = bytes.indexOf(LF);
  while (at !== -1) {
    if (at === 0 || bytes[at - 1] !== CR) {
      written += bytes.copy(out, written, from, at);
      out[written++] = CR;
      from = at;
    }
    at = bytes.indexOf(LF, at + 1);
  }
  bytes.copy(out, written, from);
  return out;
}
