const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Body lines as base64 text has them: 76 characters and CRLF. */
const LINE_CHARS = 76;

export interface BenchMessage {
  /** The message as stored: header, blank line, body; exactly the size asked for. */
  size: number;
  /** What the client sends after 354: the message, then the final dot line. No line starts with a dot, so none needs stuffing. */
  wire: Buffer;
}

/** A message of exactly `size` bytes from `from` to `to`, the same bytes for every server. */
export function buildMessage(size: number, from: string, to: string): BenchMessage {
  const header = `From: <${from}>\r\nTo: <${to}>\r\nSubject: wirelab bench, ${size}-byte message\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\n\r\n`;
  if (size < header.length + 2) throw new Error(`a bench message needs at least ${header.length + 2} bytes`);
  let seed = size;
  const nextChar = (): string => {
    // A fixed linear congruential sequence: deterministic, and not one repeated line.
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return ALPHABET[seed % ALPHABET.length]!;
  };
  const line = (chars: number): string => `${Array.from({ length: chars }, nextChar).join('')}\r\n`;
  const parts = [header];
  let remaining = size - header.length;
  while (remaining > LINE_CHARS + 2 + 2) {
    parts.push(line(LINE_CHARS));
    remaining -= LINE_CHARS + 2;
  }
  parts.push(line(remaining - 2));
  const message = Buffer.from(parts.join(''), 'ascii');
  return { size: message.length, wire: Buffer.concat([message, Buffer.from('.\r\n')]) };
}
