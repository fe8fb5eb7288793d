import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDurably } from '../../lab/durable.js';

/** The envelope of a queued message; the file holds it as one JSON line, then the message bytes. */
export interface QueuedEnvelope {
  id: string;
  from: string;
  recipients: string[];
  receivedAt: string;
  size: number;
}

/**
 * The durable outbound queue: mail accepted for other domains waits here for the delivery agent.
 * A message file appears in `active/` whole (written in `tmp/`, fsynced, renamed) or not at all.
 */
export class OutboundQueue {
  private ready: Promise<void> | undefined;

  constructor(private readonly root: string) {}

  get activeDir(): string {
    return join(this.root, 'active');
  }

  async enqueue(envelope: Omit<QueuedEnvelope, 'size'>, message: Buffer): Promise<void> {
    await this.prepare();
    const head = Buffer.from(`${JSON.stringify({ ...envelope, size: message.length })}\n`);
    await writeDurably(join(this.root, 'tmp', envelope.id), join(this.activeDir, envelope.id), Buffer.concat([head, message]));
  }

  async list(): Promise<QueuedEnvelope[]> {
    await this.prepare();
    const names = (await readdir(this.activeDir)).sort();
    const envelopes = await Promise.all(names.map((name) => this.readEnvelope(join(this.activeDir, name))));
    return envelopes.filter((e): e is QueuedEnvelope => e !== undefined);
  }

  private async readEnvelope(path: string): Promise<QueuedEnvelope | undefined> {
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) return undefined;
    try {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (newline === -1) return undefined;
      return JSON.parse(buffer.subarray(0, newline).toString('utf8')) as QueuedEnvelope;
    } finally {
      await handle.close();
    }
  }

  private prepare(): Promise<void> {
    this.ready ??= Promise.all([mkdir(join(this.root, 'tmp'), { recursive: true }), mkdir(this.activeDir, { recursive: true })]).then(() => undefined);
    return this.ready;
  }
}
