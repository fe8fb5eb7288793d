import { asSystemFlag, letterOf, SYSTEM_FLAGS, systemFlagOf } from './flags.js';
import type { KeywordStore } from './keyword-store.js';
import type { Flag, FlagOperation } from './types.js';

/** The IMAP flags that a file's info letters stand for: system flags, then keywords in letter order. */
export function flagsOfLetters(letters: string, keywords: KeywordStore): Flag[] {
  const system = SYSTEM_FLAGS.filter((f) => letters.includes(letterOf(f)));
  const named = [...letters]
    .filter((l) => l >= 'a' && l <= 'z')
    .sort()
    .map((l) => keywords.keywordOf(l))
    .filter((k): k is string => k !== undefined);
  return [...system, ...named];
}

/**
 * The info letters for a set of flags. Letters wirelab does not map (`P`assed, or a keyword letter
 * missing from dovecot-keywords) are kept from `previous`, so another program's marks survive.
 * Every keyword must already have a letter (KeywordStore.ensure).
 */
export function lettersOfFlags(flags: readonly Flag[], keywords: KeywordStore, previous = ''): string {
  const letters = new Set<string>();
  for (const letter of previous) {
    const isKeyword = letter >= 'a' && letter <= 'z';
    if ((isKeyword && keywords.keywordOf(letter) === undefined) || (!isKeyword && systemFlagOf(letter) === undefined)) letters.add(letter);
  }
  for (const flag of flags) {
    const system = asSystemFlag(flag);
    if (system) letters.add(letterOf(system));
    else if (!flag.startsWith('\\')) {
      const letter = keywords.letterOf(flag);
      if (letter) letters.add(letter);
    }
  }
  return [...letters].sort().join('');
}

/** The keywords among flags (`\Recent` and other backslash names are not storable and are left out). */
export function keywordsAmong(flags: readonly Flag[]): string[] {
  return flags.filter((f) => !f.startsWith('\\'));
}

/** STORE's effect on one message's flags (RFC 3501 §6.4.6). */
export function applyFlagOperation(current: readonly Flag[], operation: FlagOperation, flags: readonly Flag[]): Flag[] {
  const lower = new Set(flags.map((f) => f.toLowerCase()));
  switch (operation) {
    case 'replace':
      return [...flags];
    case 'add':
      return [...current, ...flags.filter((f) => !current.some((c) => c.toLowerCase() === f.toLowerCase()))];
    case 'remove':
      return current.filter((c) => !lower.has(c.toLowerCase()));
  }
}
