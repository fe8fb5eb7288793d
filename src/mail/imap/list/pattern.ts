import { HIERARCHY_DELIMITER } from '../../store/index.js';

/**
 * A LIST pattern (RFC 3501 §6.3.8) after the reference is put in front: `*` matches anything, `%`
 * anything but the hierarchy delimiter. INBOX matches in any case.
 */
export function compilePattern(reference: string, pattern: string): RegExp {
  let full = reference + pattern;
  if (/^inbox(?=$|[.%*])/i.test(full)) full = `INBOX${full.slice(5)}`;
  const delimiter = escape(HIERARCHY_DELIMITER);
  const source = [...full].map((c) => (c === '*' ? '.*' : c === '%' ? `[^${delimiter}]*` : escape(c))).join('');
  return new RegExp(`^${source}$`, 's');
}

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** The parents a name implies: `a.b.c` → `a`, `a.b`. */
export function ancestors(name: string): string[] {
  const parts = name.split(HIERARCHY_DELIMITER);
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join(HIERARCHY_DELIMITER));
}
