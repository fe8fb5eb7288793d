import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceDurably } from '../../lab/durable.js';
import { Mutex } from './mutex.js';

/** Dovecot keeps the last UIDVALIDITY it gave out in the Maildir root, in hex (mailbox-uidvalidity.c). */
const UIDVALIDITY_FILE = 'dovecot-uidvalidity';

const mutexes = new Map<string, Mutex>();

/**
 * A UIDVALIDITY for a new (or re-created) folder of the Maildir at `root`: the current time in seconds,
 * or one more than the last given, so a folder deleted and created again never gets its old value back.
 */
export function allocateUidValidity(root: string): Promise<number> {
  let mutex = mutexes.get(root);
  if (!mutex) {
    mutex = new Mutex();
    mutexes.set(root, mutex);
  }
  return mutex.run(async () => {
    const file = join(root, UIDVALIDITY_FILE);
    const last = await readFile(file, 'utf8').then(
      (text) => Number.parseInt(text.trim(), 16) || 0,
      () => 0,
    );
    const next = Math.max(Math.floor(Date.now() / 1000), last + 1);
    await replaceDurably(file, `${next.toString(16)}\n`);
    return next;
  });
}
