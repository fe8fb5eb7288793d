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
 * A message file whose size the scan already knows, read at once: open, one read, close. Maildir files
 * never change once written, so the fstat and end-of-file read of readFileSync are saved on every RETR
 * and FETCH; a file that is not the size it was is read whole. `allocate` gives the memory to read
 * into (a connection's output arena).
 */
export function readMessageFileSync(path: string, knownSize: number, allocate: (bytes: number) => Buffer = Buffer.allocUnsafe): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = allocate(knownSize + 1);
    const read = readSync(fd, buffer, 0, knownSize + 1, 0);
    return read <= knownSize ? buffer.subarray(0, read) : readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
