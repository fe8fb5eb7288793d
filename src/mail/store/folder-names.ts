import { join } from 'node:path';
import { MailStoreError } from './errors.js';
import { HIERARCHY_DELIMITER, type SpecialUse } from './types.js';

export const INBOX = 'INBOX';

/** The folders every user gets, with their RFC 6154 attributes (the names Dovecot's default config uses). */
export const SPECIAL_USE_FOLDERS: readonly (readonly [string, SpecialUse])[] = [
  ['Drafts', '\\Drafts'],
  ['Junk', '\\Junk'],
  ['Sent', '\\Sent'],
  ['Trash', '\\Trash'],
];

/** A directory name holds at most 255 bytes; the leading dot takes one. */
const MAX_NAME_BYTES = 254;

/**
 * Checks a folder name and gives its canonical form: `inbox` in any case is INBOX (RFC 3501 §5.1),
 * also as the first level of a hierarchy. INVALID_NAME for what a Maildir++ directory cannot hold.
 */
export function canonicalName(name: string): string {
  const segments = name.split(HIERARCHY_DELIMITER);
  const problem =
    name === ''
      ? 'is empty'
      : Buffer.byteLength(name) > MAX_NAME_BYTES
        ? 'is too long'
        : /[\x00-\x1f\x7f/*%\\]/.test(name)
          ? 'holds a character a folder name cannot have (control, "/", "\\", "*", "%")'
          : segments.some((s) => s === '' || s === '..')
            ? `has an empty level (a leading, trailing or doubled "${HIERARCHY_DELIMITER}")`
            : undefined;
  if (problem) throw new MailStoreError('INVALID_NAME', `the folder name ${JSON.stringify(name)} ${problem}`);
  if (segments[0]!.toUpperCase() === INBOX) segments[0] = INBOX;
  return segments.join(HIERARCHY_DELIMITER);
}

/** INBOX is the Maildir root; folder `a.b` is the directory `.a.b` beside cur/new/tmp. */
export function directoryOf(root: string, name: string): string {
  return name === INBOX ? root : join(root, `.${name}`);
}

/** The folder a root entry stands for (`.a.b` → `a.b`), or undefined for anything else. */
export function nameOfEntry(entry: string): string | undefined {
  if (!entry.startsWith('.') || entry === '.' || entry === '..') return undefined;
  return entry.slice(1);
}

export function specialUseOf(name: string): SpecialUse | undefined {
  return SPECIAL_USE_FOLDERS.find(([n]) => n === name)?.[1];
}

/** `a.b.c` → [`a`, `a.b`]. */
export function parentsOf(name: string): string[] {
  const segments = name.split(HIERARCHY_DELIMITER);
  return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join(HIERARCHY_DELIMITER));
}

export function isInside(name: string, parent: string): boolean {
  return name.startsWith(`${parent}${HIERARCHY_DELIMITER}`);
}
