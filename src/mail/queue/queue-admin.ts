import { freshRecord, isFinal, type DeliveryRecord, type DeliveryRecords } from './delivery-state.js';
import type { OutboundQueue } from './outbound-queue.js';

/** What `wirelab queue` asks of a message (postqueue -f / -i, postsuper -d). */
export type QueueRequest = { action: 'flush' } | { action: 'retry' | 'delete' | 'bounce'; id: string };

export interface QueueAnswer {
  ok: boolean;
  text: string;
}

/**
 * The administrator's operations on queued messages. A running delivery agent performs them itself
 * (it is the only writer of its messages' records, see queue-control.ts); with no agent running the
 * CLI performs them directly.
 */
export class QueueAdmin {
  constructor(
    private readonly queue: OutboundQueue,
    private readonly records: DeliveryRecords,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every waiting recipient is tried at once (postqueue -i ID). */
  async retry(id: string): Promise<QueueAnswer> {
    const record = await this.recordOf(id);
    if (!record) return missing(id);
    let waiting = 0;
    record.recipients = record.recipients.map((r) => {
      if (r.status !== 'deferred') return r;
      waiting += 1;
      return { ...r, nextAttemptAt: this.now() };
    });
    if (waiting > 0) await this.records.save(record);
    return { ok: true, text: `${id}: ${waiting} deferred recipient(s) will be tried now` };
  }

  /** Removes the message without telling anyone (postsuper -d ID). */
  async delete(id: string): Promise<QueueAnswer> {
    if (!(await this.queue.envelope(id))) return missing(id);
    await this.queue.remove(id);
    await this.records.remove(id);
    return { ok: true, text: `${id}: deleted` };
  }

  /** Gives up now: every recipient not yet final fails, and the sender gets a DSN from the agent. */
  async bounce(id: string): Promise<QueueAnswer> {
    const record = await this.recordOf(id);
    if (!record) return missing(id);
    const at = this.now();
    let bounced = 0;
    record.recipients = record.recipients.map((r) => {
      if (isFinal(r)) return r;
      bounced += 1;
      const failure = { status: '5.0.0', text: 'delivery cancelled by the administrator (wirelab queue bounce)' };
      return { address: r.address, status: 'bounced', attempts: r.attempts, at, failure, notified: false };
    });
    await this.records.save(record);
    return { ok: true, text: `${id}: ${bounced} recipient(s) bounced; the sender is notified` };
  }

  private async recordOf(id: string): Promise<DeliveryRecord | undefined> {
    const envelope = await this.queue.envelope(id);
    if (!envelope) return undefined;
    return (await this.records.load(id)) ?? freshRecord(envelope);
  }
}

function missing(id: string): QueueAnswer {
  return { ok: false, text: `${id}: no such message in the queue` };
}
