import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * fsync of a directory, shared by every rename into it that is waiting: renames that land while a
 * sync is running wait for the next one, so ten concurrent deliveries cost two directory syncs, not ten.
 */
class DirectorySync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.syncNow().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    if (!this.next) {
      this.next = this.running.then(() => {
        this.next = undefined;
        return this.sync();
      });
    }
    return this.next;
  }

  private async syncNow(): Promise<void> {
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

const syncers = new Map<string, DirectorySync>();

export function syncDirectory(dir: string): Promise<void> {
  let syncer = syncers.get(dir);
  if (!syncer) {
    syncer = new DirectorySync(dir);
    syncers.set(dir, syncer);
  }
  return syncer.sync();
}

/** A file's contents: one buffer or string, or parts written in order without being joined first (a large message and the lines added to it). */
export type FileContents = Buffer | string | readonly Buffer[];

/**
 * Writes a file so that after a crash it is either whole or absent: write to `tmpPath`, fsync,
 * rename to `finalPath`, fsync the directory. Returns once the file is durable.
 */
export async function writeDurably(tmpPath: string, finalPath: string, data: FileContents, mode = 0o600): Promise<void> {
  const handle = await open(tmpPath, 'wx', mode);
  try {
    await writeContents(handle, data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  }
  await handle.close();
  await rename(tmpPath, finalPath);
  await syncDirectory(dirname(finalPath));
}

async function writeContents(handle: FileHandle, data: FileContents): Promise<void> {
  if (typeof data === 'string' || Buffer.isBuffer(data)) return handle.writeFile(data);
  let pending = data.filter((part) => part.length > 0);
  while (pending.length > 0) {
    // writev, like write, may stop short (a full disk says so only on the next call): go on from there.
    let { bytesWritten } = await handle.writev(pending);
    if (bytesWritten === 0) throw new Error('writev wrote nothing');
    while (pending.length > 0 && bytesWritten >= pending[0]!.length) bytesWritten -= pending.shift()!.length;
    if (bytesWritten > 0) pending[0] = pending[0]!.subarray(bytesWritten);
  }
}

/** Replaces a small state file atomically (its tmp sibling sits in the same directory). */
export function replaceDurably(path: string, data: Buffer | string, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  return writeDurably(tmp, path, data, mode);
}
