import { open, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Dovecot treats a `dovecot-uidlist.lock` older than this as left by a crashed process (maildir-uidlist.c). */
const STALE_MS = 2 * 60 * 1000;
const WAIT_MS = 30 * 1000;
const RETRY_MS = 20;

/**
 * Runs `section` holding `<path>.lock`, the dot-lock Dovecot takes before it rewrites `dovecot-uidlist`,
 * so wirelab and a Dovecot serving the same Maildir never write it at the same time.
 */
export async function withDotlock<T>(path: string, section: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_MS) await unlink(lockPath).catch(() => undefined);
      else if (Date.now() > deadline) throw new Error(`${lockPath} is held by another process`);
      else await sleep(RETRY_MS);
    }
  }
  try {
    return await section();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
