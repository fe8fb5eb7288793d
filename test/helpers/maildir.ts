import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The messages in a Maildir's new/ and cur/, oldest first by file name. */
export async function maildirMessages(maildir: string): Promise<{ name: string; bytes: Buffer }[]> {
  const out: { name: string; bytes: Buffer }[] = [];
  for (const sub of ['new', 'cur']) {
    const names = await readdir(join(maildir, sub)).catch(() => [] as string[]);
    for (const name of names.sort()) out.push({ name: `${sub}/${name}`, bytes: await readFile(join(maildir, sub, name)) });
  }
  return out;
}

/** Waits (bounded) until a Maildir holds at least `count` messages. */
export async function waitForMessages(maildir: string, count: number, timeoutMs = 10_000): Promise<{ name: string; bytes: Buffer }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await maildirMessages(maildir);
    if (messages.length >= count || Date.now() > deadline) return messages;
    await new Promise((r) => setTimeout(r, 50));
  }
}
