import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFileName } from './maildir-name.js';

export type MessageDir = 'new' | 'cur';

export interface ListedFile {
  dir: MessageDir;
  fileName: string;
  base: string;
  letters: string;
}

export interface MaildirListing {
  files: Map<string, ListedFile>;
  stamp: DirectoryStamp;
}

/** The mtimes of new/ and cur/: when both are unchanged, so is the list of files. */
export interface DirectoryStamp {
  newMtime: number;
  curMtime: number;
  /** When the stamp was taken. */
  at: number;
}

/**
 * Directory mtimes advance in clock ticks, so a change made in the same tick as the last scan leaves
 * the mtime unchanged. A stamp younger than this is not trusted (Dovecot does the same).
 */
const TRUST_AFTER_MS = 1000;

export async function directoryStamp(path: string): Promise<DirectoryStamp> {
  const at = Date.now();
  const [n, c] = await Promise.all([stat(join(path, 'new')), stat(join(path, 'cur'))]);
  return { newMtime: n.mtimeMs, curMtime: c.mtimeMs, at };
}

/**
 * While a stamp is untrusted, a folder is rescanned at most this often: a change made in the very tick
 * of the last scan shows within this time, and four clients fetching right after a burst of flag
 * changes do not rescan a 2,000-message folder on every command for a second.
 */
const UNTRUSTED_RESCAN_MS = 100;

/**
 * Whether the directories may have changed since `previous` was taken: surely when an mtime moved;
 * possibly when the stamp was taken in the same second as the last change, and then worth another
 * look once UNTRUSTED_RESCAN_MS have passed since it.
 */
export function mayHaveChanged(previous: DirectoryStamp | undefined, now: DirectoryStamp): boolean {
  if (!previous) return true;
  if (previous.newMtime !== now.newMtime || previous.curMtime !== now.curMtime) return true;
  return previous.at - Math.max(now.newMtime, now.curMtime) < TRUST_AFTER_MS && now.at - previous.at >= UNTRUSTED_RESCAN_MS;
}

/** Every message file in new/ and cur/ by base name (a name in both: cur/ wins, it is the later state). */
export async function listMaildir(path: string): Promise<MaildirListing> {
  const stamp = await directoryStamp(path);
  const files = new Map<string, ListedFile>();
  for (const dir of ['new', 'cur'] as const) {
    const names = await readdir(join(path, dir));
    for (const fileName of names) {
      if (fileName.startsWith('.')) continue;
      const { base, letters } = parseFileName(fileName);
      files.set(base, { dir, fileName, base, letters });
    }
  }
  return { files, stamp };
}
