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

/** Where a section path leads: a part, and whether it stands for a whole message (the root, or inside message/rfc822). */
interface Located {
  part: MimePart;
  isMessage: boolean;
}

/**
 * Finds the part a path names. A message that is not multipart has one part, its body, numbered 1; a
 * message/rfc822 part's children are numbered as its inner message's (RFC 3501 §6.4.5).
 */
function locate(root: MimePart, path: readonly number[]): Located | undefined {
  let at: Located = { part: root, isMessage: true };
  for (const n of path) {
    let { part } = at;
    if (!at.isMessage && part.message) part = part.message;
    else if (!at.isMessage && part.children.length === 0) return undefined;
    if (part.children.length > 0) {
      const child = part.children[n - 1];
      if (!child) return undefined;
      at = { part: child, isMessage: false };
    } else if (n === 1) {
      at = { part, isMessage: false };
    } else {
      return undefined;
    }
  }
  return at;
}

/** The bytes of a section of a parsed message, or undefined when the message has no such part. */
export function extractSection(message: Buffer, root: MimePart, section: Section): Buffer | undefined {
  const located = locate(root, section.path);
  if (!located) return undefined;
  const { part } = located;
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
      return selectFields(message, target.fields, text.fields, text.not);
  }
}
