import type { SystemFlag } from './types.js';

/** Maildir info letters for the IMAP system flags (cr.yp.to/proto/maildir.html; Dovecot's mapping). */
const LETTER_OF: Readonly<Record<SystemFlag, string>> = {
  '\\Answered': 'R',
  '\\Deleted': 'T',
  '\\Draft': 'D',
  '\\Flagged': 'F',
  '\\Seen': 'S',
};

export const SYSTEM_FLAGS: readonly SystemFlag[] = ['\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen'];

const FLAG_OF_LETTER = new Map<string, SystemFlag>(SYSTEM_FLAGS.map((f) => [LETTER_OF[f], f]));

export function systemFlagOf(letter: string): SystemFlag | undefined {
  return FLAG_OF_LETTER.get(letter);
}

export function letterOf(flag: SystemFlag): string {
  return LETTER_OF[flag];
}

/** The system flag a client wrote in any case (`\seen`), or undefined for a keyword. */
export function asSystemFlag(flag: string): SystemFlag | undefined {
  const lower = flag.toLowerCase();
  return SYSTEM_FLAGS.find((f) => f.toLowerCase() === lower);
}
