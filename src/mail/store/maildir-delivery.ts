import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeDurably } from '../../lab/durable.js';
import { crlfSize } from './crlf.js';
import { notifyDelivered } from './folder-registry.js';
import { newBaseName } from './maildir-name.js';

const LF = 0x0a;
const CR = 0x0d;
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
export async function deliverToMaildir(maildir: string, message: Buffer | readonly Buffer[]): Promise<string> {
  await ensureMaildir(maildir);
  const parts = Buffer.isBuffer(message) ? [message] : message;
  const name = newBaseName(parts.reduce((n, part) => n + part.length, 0), crlfSizeOfParts(parts));
  // The parts are written one after the other, not joined: a large message is not copied once more.
  await writeDurably(join(maildir, 'tmp', name), join(maildir, 'new', name), parts);
  notifyDelivered(maildir);
  return name;
}

/**
 * The message's size with CRLF line ends, part by part: a CR ending one part and an LF starting a
 * later one are one line end, however many empty parts lie between them.
 */
function crlfSizeOfParts(parts: readonly Buffer[]): number {
  let size = 0;
  let endsWithCr = false;
  for (const part of parts) {
    if (part.length === 0) continue;
    size += crlfSize(part);
    if (part[0] === LF && endsWithCr) size -= 1;
    endsWithCr = part[part.length - 1] === CR;
  }
  return size;
}
