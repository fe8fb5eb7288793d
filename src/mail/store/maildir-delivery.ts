import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeDurably } from '../../lab/durable.js';

const ready = new Set<string>();
let sequence = 0;
/** Maildir file names must not contain '/' or ':' (the flag separator). */
const host = hostname().replace(/\//g, '\\057').replace(/:/g, '\\072');

export async function ensureMaildir(maildir: string): Promise<void> {
  if (ready.has(maildir)) return;
  await Promise.all(['tmp', 'new', 'cur'].map((sub) => mkdir(join(maildir, sub), { recursive: true, mode: 0o700 })));
  ready.add(maildir);
}

/** A unique Maildir base name in Dovecot's form, with the size (S=) so readers need not stat the file. */
export function maildirName(size: number): string {
  const now = Date.now();
  sequence += 1;
  const seconds = Math.floor(now / 1000);
  const micros = (now % 1000) * 1000 + (sequence % 1000);
  return `${seconds}.M${micros}P${process.pid}Q${sequence}.${host},S=${size},W=${size}`;
}

/**
 * Delivers a message the Maildir way: written to tmp/, fsynced, renamed into new/, directory
 * fsynced. When this resolves, the message survives a crash; before, it is not visible in new/.
 */
export async function deliverToMaildir(maildir: string, message: Buffer): Promise<string> {
  await ensureMaildir(maildir);
  const name = maildirName(message.length);
  await writeDurably(join(maildir, 'tmp', name), join(maildir, 'new', name), message);
  return name;
}
