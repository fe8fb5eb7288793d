import { selectFields } from './header.js';
import type { MimePart } from './parts.js';

/** What follows the part numbers in BODY[section] (RFC 3501 §6.4.5). */
export type SectionText =
  | { kind: 'all' }
  | { kind: 'header' }
  | { kind: 'header.fields'; fields: string[]; not: boolean }
  | { kind: 'text' }
  | { kind: 'mime' };

export interface Section {
  /** Part numbers, e.g. [1, 2] for `1.2`; empty for the whole message. */
  path: number[];
  text: SectionText;
}

/**
 * Finds the part a path names, as Dovecot does: a multipart's sub-parts are numbered from 1; a part
 * that is not multipart has only number 1, itself, and only a message/rfc822 part may be followed by
 * more numbers, which then count inside its message (RFC 3501 §6.4.5).
 */
function locate(root: MimePart, path: readonly number[]): MimePart | undefined {
  let at = root;
  for (const [i, n] of path.entries()) {
    const more = i < path.length - 1;
    let part: MimePart | undefined = at;
    if (at.contentType.value === 'multipart') part = at.children[n - 1];
    else if (n !== 1 || (more && !at.message)) part = undefined;
    if (!part) return undefined;
    at = more && part.message ? part.message : part;
  }
  return at;
}

/** The bytes of a section of a parsed message, or undefined when the message has no such part. */
export function extractSection(message: Buffer, root: MimePart, section: Section): Buffer | undefined {
  const part = locate(root, section.path);
  if (!part) return undefined;
  const { text } = section;
  if (text.kind === 'all') {
    return section.path.length === 0 ? message.subarray(root.start, root.end) : message.subarray(part.bodyStart, part.end);
  }
  if (text.kind === 'mime') return section.path.length === 0 ? undefined : message.subarray(part.start, part.bodyStart);
  // HEADER and TEXT apply to a message: the root, or the message inside a message/rfc822 part.
  const target = section.path.length === 0 ? root : part.message;
  if (!target) return undefined;
  switch (text.kind) {
    case 'header':
      return message.subarray(target.start, target.bodyStart);
    case 'text':
      return message.subarray(target.bodyStart, target.end);
    case 'header.fields':
      return selectFields(message, target, text.fields, text.not);
  }
}
