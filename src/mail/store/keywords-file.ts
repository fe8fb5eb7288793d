/** Maildir has one letter per keyword, `a`–`z` (Dovecot's `dovecot-keywords`: `<index> <name>` per line). */
export const MAX_KEYWORDS = 26;

/** Index i is the keyword of letter `a` + i; unused slots are undefined. */
export type KeywordTable = (string | undefined)[];

export function parseKeywords(text: string): KeywordTable {
  const table: KeywordTable = [];
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const index = Number(line.slice(0, space));
    const name = line.slice(space + 1).trim();
    if (Number.isInteger(index) && index >= 0 && index < MAX_KEYWORDS && name !== '') table[index] = name;
  }
  return table;
}

export function serializeKeywords(table: KeywordTable): string {
  return table.map((name, index) => (name === undefined ? '' : `${index} ${name}\n`)).join('');
}

export function letterOfIndex(index: number): string {
  return String.fromCharCode(0x61 + index);
}

export function indexOfLetter(letter: string): number | undefined {
  const index = letter.charCodeAt(0) - 0x61;
  return letter.length === 1 && index >= 0 && index < MAX_KEYWORDS ? index : undefined;
}
