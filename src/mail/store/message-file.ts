import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../../lab/durable.js';
import type { MessageDir } from './folder-scan.js';

/**
 * Stores a message the Maildir way: written to tmp/ under its base name, mtime set to the internal
 * date, fsynced, renamed to new/ or cur/, directory fsynced. When this resolves the message survives
 * a crash; before, no reader sees it.
 */
export async function writeMessageFile(folder: string, base: string, dir: MessageDir, fileName: string, bytes: Buffer, internalDate?: Date): Promise<void> {
  const tmp = join(folder, 'tmp', base);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    if (internalDate) await handle.utimes(internalDate, internalDate);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  await rename(tmp, join(folder, dir, fileName));
  await syncDirectory(join(folder, dir));
}

/**
 * Descriptors of recently read message files, kept open as nginx's open_file_cache keeps them: clients
 * reading one mailbox at once read each message once per client, and opening a file (a walk down its
 * path) cost as much as reading it. A Maildir file never changes once written and a flag change only
 * renames it, which leaves its descriptor valid; expunging a message forgets it.
 */
const MAX_OPEN_FILES = 128;
const openFiles = new Map<string, number>();

/**
 * A message file whose size the scan already knows, read at once: one read on a kept descriptor, so
 * the open, fstat and end-of-file read of readFileSync are saved on every RETR and FETCH; a file that
 * is not the size it was is read whole. `key` names the message for the descriptor cache.
 */
export function readMessageFileSync(key: string, path: string, knownSize: number): Buffer {
  let fd = openFiles.get(key);
  if (fd === undefined) {
    fd = openSync(path, 'r');
    if (openFiles.size >= MAX_OPEN_FILES) {
      const [oldestKey, oldestFd] = openFiles.entries().next().value as [string, number];
      openFiles.delete(oldestKey);
      closeSync(oldestFd);
    }
    openFiles.set(key, fd);
  }
  const buffer = Buffer.allocUnsafe(knownSize + 1);
  const read = readSync(fd, buffer, 0, knownSize + 1, 0);
  return read <= knownSize ? buffer.subarray(0, read) : readFileSync(path);
}

/** Closes the kept descriptor of a message that is gone (expunged, moved away, its folder deleted). */
export function forgetMessageFile(key: string): void {
  const fd = openFiles.get(key);
  if (fd === undefined) return;
  openFiles.delete(key);
  closeSync(fd);
}
