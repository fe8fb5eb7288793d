import { readFile } from 'node:fs/promises';
import { replaceDurably } from '../../lab/durable.js';
import { MailStoreError } from './errors.js';
import { fileStamp } from './file-stamp.js';
import { indexOfLetter, letterOfIndex, MAX_KEYWORDS, parseKeywords, serializeKeywords, type KeywordTable } from './keywords-file.js';
import { Mutex } from './mutex.js';

/**
 * A folder's keywords and their Maildir letters, kept in `dovecot-keywords`. A new keyword is written
 * to the file (durably) before any file name uses its letter, so a letter never means two things.
 * Its mutex is a leaf: nothing else is locked while it is held.
 */
export class KeywordStore {
  private table: KeywordTable = [];
  private stamp = '';
  private readonly mutex = new Mutex();
  /** Bumps whenever a keyword is added, so views know to send FLAGS again. */
  version = 0;

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    const stamp = await fileStamp(this.file);
    if (stamp === this.stamp) return;
    const text = await readFile(this.file, 'utf8').catch(() => '');
    const table = parseKeywords(text);
    if (this.table.some((name, i) => name !== undefined && table[i] !== name) || table.length !== this.table.length) this.version += 1;
    this.table = table;
    this.stamp = stamp;
  }

  /** Defined keywords in letter order. */
  names(): string[] {
    return this.table.filter((n): n is string => n !== undefined);
  }

  canCreate(): boolean {
    return this.names().length < MAX_KEYWORDS;
  }

  /** The keyword of a letter `a`–`z`, when defined. */
  keywordOf(letter: string): string | undefined {
    const index = indexOfLetter(letter);
    return index === undefined ? undefined : this.table[index];
  }

  /** The letter of a defined keyword (case-insensitive), or undefined. */
  letterOf(keyword: string): string | undefined {
    const lower = keyword.toLowerCase();
    const index = this.table.findIndex((n) => n?.toLowerCase() === lower);
    return index === -1 ? undefined : letterOfIndex(index);
  }

  /** The keyword as first stored ("$forwarded" stored as "$Forwarded" stays "$Forwarded"). */
  canonical(keyword: string): string | undefined {
    const lower = keyword.toLowerCase();
    return this.table.find((n) => n?.toLowerCase() === lower);
  }

  /** Gives every keyword a letter, writing the file first; TOO_MANY_KEYWORDS past 26 (and nothing is changed). */
  ensure(keywords: readonly string[]): Promise<void> {
    if (keywords.every((k) => this.letterOf(k) !== undefined)) return Promise.resolve();
    return this.mutex.run(async () => {
      await this.load();
      const missing = [...new Map(keywords.filter((k) => this.letterOf(k) === undefined).map((k) => [k.toLowerCase(), k])).values()];
      if (missing.length === 0) return;
      const table = [...this.table];
      for (const keyword of missing) {
        let slot = table.findIndex((n) => n === undefined);
        if (slot === -1) slot = table.length;
        if (slot >= MAX_KEYWORDS) {
          throw new MailStoreError('TOO_MANY_KEYWORDS', `a Maildir folder holds at most ${MAX_KEYWORDS} keywords`);
        }
        table[slot] = keyword;
      }
      await replaceDurably(this.file, serializeKeywords(table));
      this.table = table;
      this.stamp = await fileStamp(this.file);
      this.version += 1;
    });
  }
}
