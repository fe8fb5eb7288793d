import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Messages in a Maildir: files in new/ and cur/ (tmp/ holds deliveries not finished yet). */
export async function countMaildirMessages(maildir: string): Promise<number> {
  let count = 0;
  for (const sub of ['new', 'cur']) {
    try {
      count += (await readdir(join(maildir, sub))).filter((name) => !name.startsWith('.')).length;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return count;
}

/**
 * Waits until the Maildir holds `expected` messages, for a server that delivers after it answers
 * (Postfix queues first). Returns the last count seen; `timeoutMs` 0 checks once.
 */
export async function waitForMaildirCount(maildir: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await countMaildirMessages(maildir);
    if (count >= expected || Date.now() >= deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
