/** Text in a named charset as a JS string; unknown charsets are read as UTF-8 (or Latin-1 when that fails) rather than refused. */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const name = (charset ?? 'us-ascii').trim().toLowerCase();
  try {
    return new TextDecoder(name === 'us-ascii' ? 'utf-8' : name).decode(bytes);
  } catch {
    const utf8 = bytes.toString('utf8');
    return utf8.includes('\uFFFD') ? bytes.toString('latin1') : utf8;
  }
}

/** Bytes held one per character (how header values are kept) back as bytes. */
export function latin1Bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
