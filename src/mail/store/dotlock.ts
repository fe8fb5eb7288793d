import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from './process-alive.js';

/** Dovecot treats a `dovecot-uidlist.lock` older than this as stale even when it cannot tell whether its owner runs. */
const STALE_MS = 2 * 60 * 1000;
const WAIT_MS = 30 * 1000;
const RETRY_MS = 20;

/**
 * Runs `section` holding `<path>.lock`, the dot-lock Dovecot takes before it rewrites `dovecot-uidlist`,
 * so wirelab and a Dovecot serving the same Maildir never write it at the same time. The lock holds
 * "<pid>:<host>" as Dovecot's does, so one left by a dead process is taken over at once.
 */
export async function withDotlock<T>(path: string, section: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + WAIT_MS;
  // The content is written to a private file first and linked into place, so a lock is never seen empty.
  const mine = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(mine, `${process.pid}:${hostname()}`, { mode: 0o600 });
  try {
    for (;;) {
      try {
        await link(mine, lockPath);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (await isStale(lockPath)) await unlink(lockPath).catch(() => undefined);
        else if (Date.now() > deadline) throw new Error(`${lockPath} is held by another process`);
        else await sleep(RETRY_MS);
      }
    }
  } finally {
    await unlink(mine).catch(() => undefined);
  }
  try {
    return await section();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  const age = await stat(lockPath).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  if (age > STALE_MS) return true;
  const [pid, host] = (await readFile(lockPath, 'utf8').catch(() => '')).trim().split(':');
  return host === hostname() && pid !== undefined && /^\d+$/.test(pid) && !isProcessAlive(Number(pid));
}
