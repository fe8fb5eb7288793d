/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable ASCII stands for itself ("&" is
 * "&-"), everything else is UTF-16 in base64 with "," for "/", between "&" and "-".
 */

export function encodeMailboxName(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const bytes = Buffer.alloc(pending.length * 2);
    pending.forEach((unit, i) => bytes.writeUInt16BE(unit, i * 2));
    out += `&${bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e) {
      flush();
      out += unit === 0x26 ? '&-' : name[i];
    } else {
      pending.push(unit);
    }
  }
  flush();
  return out;
}

/** The Unicode name, or undefined when `text` is not valid modified UTF-7. */
export function decodeMailboxName(text: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const code = c.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) return undefined;
    if (c !== '&') {
      out += c;
      i += 1;
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end === -1) return undefined;
    const encoded = text.slice(i + 1, end);
    i = end + 1;
    if (encoded === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(encoded)) return undefined;
    const bytes = Buffer.from(encoded.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) return undefined;
    let decoded = '';
    for (let j = 0; j < bytes.length; j += 2) decoded += String.fromCharCode(bytes.readUInt16BE(j));
    // Printable ASCII must not be encoded (RFC 3501 §5.1.3); a name that does it is not canonical.
    if (/[\x20-\x7e]/.test(decoded)) return undefined;
    out += decoded;
  }
  return out;
}
