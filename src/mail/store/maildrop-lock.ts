import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MailStoreError } from './errors.js';
import { isProcessAlive } from './process-alive.js';
import type { MaildropLock } from './types.js';

const MAILDROP_LOCK_FILE = 'wirelab-pop3.lock';

/** Maildrops locked by this process: the file alone cannot tell two sessions of one process apart. */
const held = new Set<string>();

/**
 * The POP3 maildrop lock (RFC 1939 §8: "the POP3 server then acquires an exclusive-access lock on the
 * maildrop"): in-process, plus a file holding our pid for other processes. A lock file whose process
 * is gone is stale and taken over.
 */
export async function lockMaildrop(root: string): Promise<MaildropLock> {
  if (held.has(root)) throw locked();
  held.add(root);
  const path = join(root, MAILDROP_LOCK_FILE);
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const handle = await open(path, 'wx', 0o600);
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
        const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
        if (owner !== process.pid && isProcessAlive(owner)) throw locked();
        await unlink(path).catch(() => undefined);
      }
    }
  } catch (err) {
    held.delete(root);
    throw err instanceof MailStoreError || (err as NodeJS.ErrnoException).code === 'EEXIST' ? locked() : err;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await unlink(path).catch(() => undefined);
      held.delete(root);
    },
  };
}

function locked(): MailStoreError {
  return new MailStoreError('LOCKED', 'the maildrop is in use by another session');
}
