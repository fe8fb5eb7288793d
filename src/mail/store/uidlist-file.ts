import { readFile } from 'node:fs/promises';
import { replaceDurably } from '../../lab/durable.js';
import { withDotlock } from './dotlock.js';
import { fileStamp } from './file-stamp.js';
import { newUidList, parseUidList, serializeUidList, type UidList, type UidListEntry } from './uidlist.js';

/** Gives a file its UID: the one another program already wrote for it when still free, else the next. */
export type UidAllocator = (base: string, isFree: (uid: number) => boolean) => number;

/**
 * A folder's `dovecot-uidlist` on disk. Every rewrite happens under Dovecot's dot-lock, first merging
 * the UIDs another program (Dovecot) gave out since our last write, then replacing the file atomically
 * and durably: a crash leaves the old list or the new one, and UIDNEXT only grows.
 */
export class UidListFile {
  private stamp = '';

  private constructor(
    readonly path: string,
    private list: UidList,
  ) {}

  /** Reads the list; when there is none (or it is unreadable), starts one with a fresh UIDVALIDITY. */
  static async open(path: string, allocateUidValidity: () => Promise<number>): Promise<{ file: UidListFile; entries: UidListEntry[]; created: boolean }> {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    const stored = text === undefined ? undefined : parseUidList(text);
    const file = new UidListFile(path, stored ?? newUidList(await allocateUidValidity()));
    file.stamp = await fileStamp(path);
    return { file, entries: stored?.entries ?? [], created: !stored };
  }

  get uidValidity(): number {
    return this.list.uidValidity;
  }

  get uidNext(): number {
    return this.list.uidNext;
  }

  /** Lets `assign` give out UIDs and name the entries to keep, then writes the list. */
  async update(assign: (allocate: UidAllocator) => readonly UidListEntry[]): Promise<void> {
    await withDotlock(this.path, async () => {
      const theirs = await this.uidsWrittenByOthers();
      const allocate: UidAllocator = (base, isFree) => {
        const adopted = theirs.get(base);
        const uid = adopted !== undefined && isFree(adopted) ? adopted : this.list.uidNext;
        this.list.uidNext = Math.max(this.list.uidNext, uid + 1);
        return uid;
      };
      const entries = [...assign(allocate)];
      this.list = { ...this.list, entries };
      await replaceDurably(this.path, serializeUidList(this.list));
      this.stamp = await fileStamp(this.path);
    });
  }

  /** When another program rewrote the list since we last did, the UIDs it gave out (same UIDVALIDITY only). */
  private async uidsWrittenByOthers(): Promise<Map<string, number>> {
    if ((await fileStamp(this.path)) === this.stamp) return new Map();
    const theirs = parseUidList(await readFile(this.path, 'utf8').catch(() => ''));
    if (!theirs || theirs.uidValidity !== this.list.uidValidity) return new Map();
    this.list.uidNext = Math.max(this.list.uidNext, theirs.uidNext);
    return new Map(theirs.entries.map((e) => [e.base, e.uid]));
  }
}
