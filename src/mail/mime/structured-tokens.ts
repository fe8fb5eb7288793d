/** A lexical token of a structured header field (RFC 5322 §3.2, RFC 2045 §5.1). */
export interface StructuredToken {
  kind: 'atom' | 'quoted' | 'comment' | 'literal' | 'special';
  /** Quoted strings and comments without their delimiters and escapes. */
  text: string;
  /** Whether white space came before it (display names keep their spacing). */
  spaced: boolean;
}

/** RFC 5322 specials, for address lists. */
export const ADDRESS_SPECIALS = '()<>[]:;@\\,."';
/** RFC 2045 tspecials, for Content-Type and Content-Disposition. */
export const MIME_SPECIALS = '()<>@,;:\\"/[]?=';

/**
 * Splits a header value into atoms, quoted strings (unescaped), comments, domain literals and
 * specials. Lenient as mail readers are: an unclosed quote or comment runs to the end.
 */
export function tokenize(value: string, specials: string, domainLiterals: boolean): StructuredToken[] {
  const tokens: StructuredToken[] = [];
  let spaced = false;
  const push = (kind: StructuredToken['kind'], text: string): void => {
    tokens.push({ kind, text, spaced });
    spaced = false;
  };
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      spaced = true;
      i += 1;
    } else if (c === '"') {
      let text = '';
      i += 1;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < value.length) i += 1;
        text += value[i];
        i += 1;
      }
      i += 1;
      push('quoted', text);
    } else if (c === '(') {
      let depth = 1;
      let text = '';
      i += 1;
      while (i < value.length && depth > 0) {
        const d = value[i]!;
        if (d === '\\' && i + 1 < value.length) {
          text += value[i + 1];
          i += 2;
          continue;
        }
        if (d === '(') depth += 1;
        if (d === ')') depth -= 1;
        if (depth > 0) text += d;
        i += 1;
      }
      push('comment', text);
    } else if (c === '[' && domainLiterals) {
      const close = value.indexOf(']', i);
      const stop = close === -1 ? value.length : close + 1;
      push('literal', value.slice(i, stop));
      i = stop;
    } else if (specials.includes(c)) {
      push('special', c);
      i += 1;
    } else {
      const start = i;
      while (i < value.length && !specials.includes(value[i]!) && !' \t\r\n'.includes(value[i]!)) i += 1;
      push('atom', value.slice(start, i));
    }
  }
  return tokens;
}
