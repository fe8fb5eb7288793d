const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const PLUS = 0x2b;

export interface LiteralMarker {
  size: number;
  /** `{n}` waits for the server's "+" continuation; `{n+}` (LITERAL+, RFC 7888) does not. */
  synchronizing: boolean;
  /** Where `{` starts in the line. */
  offset: number;
}

/**
 * The literal a command line announces at its end (RFC 3501 §4.3), if any. A `{5}` inside a quoted
 * string is text, so quoting is followed from the start of the line. A size with more than 15 digits
 * is reported as Infinity so the caller refuses it rather than overflowing.
 */
export function trailingLiteral(line: Buffer): LiteralMarker | undefined {
  const end = line.length;
  if (end < 3 || line[end - 1] !== CLOSE_BRACE) return undefined;
  let inQuote = false;
  let open = -1;
  for (let i = 0; i < end; i++) {
    const byte = line[i]!;
    if (inQuote) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inQuote = false;
    } else if (byte === QUOTE) {
      inQuote = true;
    } else if (byte === OPEN_BRACE) {
      open = i;
    }
  }
  if (inQuote || open === -1) return undefined;
  let digitsEnd = end - 1;
  const synchronizing = line[digitsEnd - 1] !== PLUS;
  if (!synchronizing) digitsEnd -= 1;
  const digits = line.subarray(open + 1, digitsEnd).toString('latin1');
  if (!/^\d+$/.test(digits)) return undefined;
  const size = digits.length > 15 ? Infinity : Number(digits);
  return { size, synchronizing, offset: open };
}
