/** Undoes quoted-printable (RFC 2045 §6.7), leniently: a malformed "=" sequence is kept as it is. */
export function decodeQuotedPrintable(input: Buffer): Buffer {
  const out = Buffer.alloc(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte !== 0x3d) {
      out[n++] = byte;
      continue;
    }
    const next = input[i + 1];
    if (next === 0x0d && input[i + 2] === 0x0a) {
      i += 2;
      continue;
    }
    if (next === 0x0a) {
      i += 1;
      continue;
    }
    const hex = input.toString('latin1', i + 1, i + 3);
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out[n++] = parseInt(hex, 16);
      i += 2;
    } else {
      out[n++] = byte;
    }
  }
  return out.subarray(0, n);
}

/** A part's body with its Content-Transfer-Encoding undone. */
export function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.toString('latin1'), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}
