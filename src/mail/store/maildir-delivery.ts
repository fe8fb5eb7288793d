import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crlfSize } from './crlf.js';
import { notifyDelivered } from './folder-registry.js';
import { newBaseName } from './maildir-name.js';
import { writeMessageFile } from './message-file.js';

const ready = new Set<string>();

export async function ensureMaildir(maildir: string): Promise<void> {
  const root = resolve(maildir);
  if (ready.has(root)) return;
  await Promise.all(['tmp', 'new', 'cur'].map((sub) => mkdir(join(root, sub), { recursive: true, mode: 0o700 })));
  ready.add(root);
}

/**
 * Delivers a message into a Maildir's INBOX (tmp → fsync → new/ → directory fsync) and returns its
 * file name. When this resolves the message survives a crash; sessions with the folder open hear of it.
 */
export async function deliverToMaildir(maildir: string, message: Buffer): Promise<string> {
  await ensureMaildir(maildir);
  const name = newBaseName(message.length, crlfSize(message));
  await writeMessageFile(maildir, name, 'new', name, message);
  notifyDelivered(maildir);
  return name;
}
