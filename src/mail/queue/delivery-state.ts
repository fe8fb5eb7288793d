import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceDurably, syncDirectory } from '../../lab/durable.js';
import type { QueuedEnvelope } from './outbound-queue.js';

/** Why a try failed, in the terms a DSN reports it (RFC 3464 §2.3). */
export interface Failure {
  /** The enhanced status code (RFC 3463), e.g. `5.1.1`, `4.4.1`. */
  status: string;
  /** What a person reads, as `postqueue -p` and the bounce text show it. */
  text: string;
  /** `smtp; 550 5.1.1 …`: the remote's own reply, when there was one (RFC 3464 §2.3.6). */
  diagnostic?: string;
  /** The server that answered (RFC 3464 §2.3.5). */
  remoteMta?: string;
}

/**
 * What has happened to one recipient of a queued message. `pending` has not been tried; `deferred`
 * waits for its next try; `delivered` and `bounced` are final. `notified` says the sender's DSN
 * about a bounce is safely queued.
 */
export type RecipientState =
  | { address: string; status: 'pending'; attempts: 0 }
  | { address: string; status: 'deferred'; attempts: number; lastAttemptAt: number; nextAttemptAt: number; failure: Failure }
  | { address: string; status: 'delivered'; attempts: number; at: number; remote: string; reply: string }
  | { address: string; status: 'bounced'; attempts: number; at: number; failure: Failure; notified: boolean };

/** A queued message's delivery record: it lives in `queue/state/<id>.json` until the message leaves the queue. */
export interface DeliveryRecord {
  id: string;
  recipients: RecipientState[];
  /** Whether the sender was told that the message is delayed (sent once). */
  delayWarned: boolean;
  /** DSNs queued so far for this message; names the next one, so a retried DSN gets the same id. */
  notices: number;
}

export function isFinal(r: RecipientState): boolean {
  return r.status === 'delivered' || r.status === 'bounced';
}

/** A recipient that can be tried at `now`. */
export function isDue(r: RecipientState, now: number): boolean {
  return r.status === 'pending' || (r.status === 'deferred' && r.nextAttemptAt <= now);
}

/** The record of a message nobody has tried yet. */
export function freshRecord(envelope: QueuedEnvelope): DeliveryRecord {
  const unique = [...new Set(envelope.recipients)];
  return { id: envelope.id, recipients: unique.map((address) => ({ address, status: 'pending', attempts: 0 })), delayWarned: false, notices: 0 };
}

/** When the message next needs attention (its earliest deferred recipient); undefined when nothing waits. */
export function nextAttemptOf(record: DeliveryRecord): number | undefined {
  let next: number | undefined;
  for (const r of record.recipients) {
    if (r.status === 'pending') return 0;
    if (r.status === 'deferred' && (next === undefined || r.nextAttemptAt < next)) next = r.nextAttemptAt;
  }
  return next;
}

/**
 * Delivery records on disk, one small JSON file per queued message, each replaced atomically and
 * durably (tmp → fsync → rename → directory fsync). A missing file means nothing was tried yet.
 */
export class DeliveryRecords {
  private ready: Promise<void> | undefined;

  constructor(private readonly root: string) {}

  get dir(): string {
    return join(this.root, 'state');
  }

  async load(id: string): Promise<DeliveryRecord | undefined> {
    const text = await readFile(this.path(id), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (text === undefined) return undefined;
    return JSON.parse(text) as DeliveryRecord;
  }

  async save(record: DeliveryRecord): Promise<void> {
    await this.prepare();
    await replaceDurably(this.path(record.id), `${JSON.stringify(record)}\n`);
  }

  async remove(id: string): Promise<void> {
    const removed = await unlink(this.path(id)).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    if (removed) await syncDirectory(this.dir);
  }

  /**
   * Removes the record of a message already gone from the queue, without waiting for the disk: should
   * the removal be lost in a power cut, the record is an orphan, swept at the next start.
   */
  async discard(id: string): Promise<void> {
    await unlink(this.path(id)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Ids that have a record (some may belong to messages already gone after a crash). */
  async ids(): Promise<string[]> {
    await this.prepare();
    return (await readdir(this.dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -5));
  }

  private path(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private prepare(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.ready;
  }
}
