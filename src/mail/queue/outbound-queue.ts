import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, writeDurably } from '../../lab/durable.js';

/** The envelope of a queued message; the file holds it as one JSON line, then the message bytes. */
export interface QueuedEnvelope {
  id: string;
  /** The envelope sender; `''` is the null sender `<>` of bounces. */
  from: string;
  recipients: string[];
  receivedAt: string;
  size: number;
  /** The lab host whose MTA accepted the message, and whose delivery agent sends it on. */
  host?: string;
}

export interface QueuedMessage {
  envelope: QueuedEnvelope;
  /** The message as it will be sent: trace headers, header section, body; CRLF line ends. */
  message: Buffer;
}

/** Queue ids are file names: 12 upper-case hex digits (see queue-id.ts), nothing that could name another path. */
const QUEUE_ID = /^[0-9A-F]{6,32}$/;

export function isQueueId(text: string): boolean {
  return QUEUE_ID.test(text);
}

/**
 * The durable outbound queue: mail accepted for other domains waits here for a delivery agent.
 * A message file appears in `active/` whole (written in `tmp/`, fsynced, renamed) or not at all, and
 * never changes afterwards: what happened to each recipient lives beside it (see delivery-state.ts).
 */
export class OutboundQueue {
  private ready: Promise<void> | undefined;

  constructor(private readonly root: string) {}

  get activeDir(): string {
    return join(this.root, 'active');
  }

  get tmpDir(): string {
    return join(this.root, 'tmp');
  }

  async enqueue(envelope: Omit<QueuedEnvelope, 'size'>, message: Buffer): Promise<void> {
    await this.prepare();
    const head = Buffer.from(`${JSON.stringify({ ...envelope, size: message.length })}\n`);
    // A unique temporary name: one left behind by a crash never blocks the same id again.
    const tmp = join(this.tmpDir, `${envelope.id}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await writeDurably(tmp, join(this.activeDir, envelope.id), Buffer.concat([head, message]));
  }

  /** The ids of the queued messages, oldest first (ids are time-ordered). */
  async ids(): Promise<string[]> {
    await this.prepare();
    return (await readdir(this.activeDir)).filter(isQueueId).sort();
  }

  async list(): Promise<QueuedEnvelope[]> {
    const ids = await this.ids();
    const envelopes = await Promise.all(ids.map((id) => this.envelope(id)));
    return envelopes.filter((e): e is QueuedEnvelope => e !== undefined);
  }

  /** Only the envelope line of a message; undefined when the message is gone. */
  async envelope(id: string): Promise<QueuedEnvelope | undefined> {
    const handle = await open(join(this.activeDir, id), 'r').catch(() => undefined);
    if (!handle) return undefined;
    try {
      // The envelope line is short; a long recipient list needs a second, larger read.
      for (const size of [4096, 1024 * 1024]) {
        const buffer = Buffer.alloc(size);
        const { bytesRead } = await handle.read(buffer, 0, size, 0);
        const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
        if (newline !== -1) return parseEnvelope(buffer.subarray(0, newline));
        if (bytesRead < size) return undefined;
      }
      return undefined;
    } finally {
      await handle.close();
    }
  }

  /** The whole message; undefined when it is gone (delivered, or deleted by `wirelab queue delete`). */
  async read(id: string): Promise<QueuedMessage | undefined> {
    const bytes = await readFile(join(this.activeDir, id)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!bytes) return undefined;
    const newline = bytes.indexOf(0x0a);
    const envelope = newline === -1 ? undefined : parseEnvelope(bytes.subarray(0, newline));
    if (!envelope) return undefined;
    return { envelope, message: bytes.subarray(newline + 1) };
  }

  /** Takes a message out of the queue; durable when this resolves. */
  async remove(id: string): Promise<void> {
    await unlink(join(this.activeDir, id)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await syncDirectory(this.activeDir);
  }

  /** Removes temporary files older than `ageMs`: what a crash left half-written (never renamed into active/). */
  async sweepTemporary(ageMs: number, now = Date.now()): Promise<number> {
    await this.prepare();
    let removed = 0;
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > ageMs) {
        await unlink(path).catch(() => undefined);
        removed += 1;
      }
    }
    return removed;
  }

  private prepare(): Promise<void> {
    this.ready ??= Promise.all([mkdir(this.tmpDir, { recursive: true }), mkdir(this.activeDir, { recursive: true })]).then(() => undefined);
    return this.ready;
  }
}

function parseEnvelope(line: Buffer): QueuedEnvelope | undefined {
  try {
    const value = JSON.parse(line.toString('utf8')) as Partial<QueuedEnvelope>;
    if (typeof value.id !== 'string' || typeof value.from !== 'string' || !Array.isArray(value.recipients)) return undefined;
    return value as QueuedEnvelope;
  } catch {
    return undefined;
  }
}
