import { decodeCharset, latin1Bytes } from './charset.js';
import { decodeQuotedPrintable } from './transfer-encoding.js';

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded words in a header value kept one character per byte; white space between
 * two adjacent encoded words is dropped (§6.2). Raw 8-bit text is taken as UTF-8 when it is valid.
 */
export function decodeHeaderValue(value: string): string {
  const raw = latin1Bytes(value);
  const text = /[\x80-\xff]/.test(value) ? decodeCharset(raw, 'utf-8') : value;
  return text
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(ENCODED_WORD, (whole, charset: string, encoding: string, payload: string) => {
      const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(payload, 'base64') : decodeQuotedPrintable(latin1Bytes(payload.replace(/_/g, ' ')));
      // RFC 2231 §5 lets a language follow the charset: =?utf-8*en?Q?…?=
      const name = charset.split('*')[0]!;
      try {
        return new TextDecoder(name).decode(bytes);
      } catch {
        return whole;
      }
    });
}
