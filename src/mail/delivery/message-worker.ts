import { createHash } from 'node:crypto';
import type { Logger } from '../../lab/logger.js';
import { domainOf } from '../smtp/address.js';
import { isDue, isFinal, nextAttemptOf, freshRecord, type DeliveryRecord, type DeliveryRecords, type Failure, type RecipientState } from '../queue/delivery-state.js';
import type { OutboundQueue, QueuedMessage } from '../queue/outbound-queue.js';
import { buildNotice, type NoticeRecipient } from './dsn.js';
import { countHops } from './hops.js';
import type { LocalTransport } from './local-transport.js';
import type { RemoteTransport } from './remote-transport.js';
import type { RouteFinder } from './routes.js';
import type { RetrySchedule } from './schedule.js';
import type { RecipientResult, Transaction } from './smtp-client/transaction.js';

export interface WorkerContext {
  queue: OutboundQueue;
  records: DeliveryRecords;
  routes: RouteFinder;
  remote: RemoteTransport;
  local: LocalTransport;
  schedule: RetrySchedule;
  /** The lab host this agent works for: it writes the notices and owns the messages it queues. */
  hostName: string;
  maxHops: number;
  log: Logger;
  signal: AbortSignal;
}

/**
 * Works one queued message once: every recipient whose time has come is routed and tried, each
 * outcome is written down durably before the next destination is tried, the sender gets a DSN for
 * recipients that failed for good (and one delay warning), and a message with every recipient final
 * leaves the queue. Returns when the message next needs attention, or undefined once it is gone.
 *
 * The one window left, as in every MTA (Postfix documents the same): a crash after a remote server
 * said 250 to the end of data and before the outcome reached the disk means the message is sent
 * again after the restart, so that recipient may get it twice. Nothing is ever lost.
 */
export class MessageWorker {
  constructor(private readonly ctx: WorkerContext) {}

  /** `force`: try every recipient not yet final now, whatever its schedule (a flush or retry). */
  async work(id: string, force = false): Promise<number | undefined> {
    const { queue, records, schedule } = this.ctx;
    const queued = await queue.read(id);
    if (!queued) {
      await records.remove(id);
      return undefined;
    }
    const record = (await records.load(id)) ?? freshRecord(queued.envelope);
    const arrivedAt = Date.parse(queued.envelope.receivedAt);

    const hops = countHops(queued.message);
    if (hops > this.ctx.maxHops) {
      this.settleAll(record, { status: '5.4.6', text: `mail forwarding loop: the message has passed ${hops} mail servers (limit ${this.ctx.maxHops})` });
    }
    const due = record.recipients.filter((r) => (force ? !isFinal(r) : isDue(r, schedule.clock.now())));
    const byDomain = groupBy(due, (r) => domainOf(r.address));
    let groupsLeft = byDomain.size;
    for (const [domain, group] of byDomain) {
      if (this.ctx.signal.aborted) break;
      groupsLeft -= 1;
      const transaction: Transaction = { from: queued.envelope.from, recipients: group.map((r) => r.address), message: queued.message };
      const results = await this.deliver(domain, transaction, id);
      const now = schedule.clock.now();
      for (const result of results) this.record(record, result, arrivedAt, now, id);
      // The outcomes are on disk before the next destination is tried; after the last one, the
      // removal of a finished message records them, or the save below.
      if (groupsLeft > 0) await records.save(record);
    }

    await this.notify(record, queued, arrivedAt);
    if (this.settled(record) && record.recipients.every(isFinal)) {
      // The message goes first: a record without its message is swept at the next start, while a
      // message without its record would look untried and be sent again.
      await queue.remove(id);
      await records.discard(id);
      return undefined;
    }
    await records.save(record);
    return nextAttemptOf(record);
  }

  private async deliver(domain: string, t: Transaction, id: string): Promise<RecipientResult[]> {
    const route = await this.ctx.routes.route(domain);
    if (route.kind === 'local') return this.ctx.local.deliver(t);
    if (route.kind === 'failed') {
      return t.recipients.map((address) => ({ address, kind: 'failed', temporary: route.temporary, failure: route.failure }));
    }
    return this.ctx.remote.deliver(route.hops, t, `queue id ${id}`);
  }

  /** The one place a recipient's state changes after a try, logged as Postfix logs it. */
  private record(record: DeliveryRecord, result: RecipientResult, arrivedAt: number, now: number, id: string): void {
    const index = record.recipients.findIndex((r) => r.address === result.address);
    const before = record.recipients[index];
    if (!before) return;
    const attempts = before.attempts + 1;
    let after: RecipientState;
    if (result.kind === 'delivered') {
      after = { address: before.address, status: 'delivered', attempts, at: now, remote: result.remote, reply: result.reply };
      this.ctx.log.info(`${id}: to=<${before.address}>, relay=${result.remote}, status=sent (${result.reply})`);
    } else if (result.kind === 'failed' && !result.temporary) {
      after = { address: before.address, status: 'bounced', attempts, at: now, failure: result.failure, notified: false };
      this.ctx.log.info(`${id}: to=<${before.address}>, status=bounced (${result.failure.text})`);
    } else if (this.ctx.schedule.expired(arrivedAt, now)) {
      const failure = { ...result.failure, text: `${result.failure.text} (gave up after ${this.ctx.schedule.describeLifetime()} in the queue)` };
      after = { address: before.address, status: 'bounced', attempts, at: now, failure, notified: false };
      this.ctx.log.info(`${id}: to=<${before.address}>, status=expired, returned to sender (${result.failure.text})`);
    } else {
      const nextAttemptAt = this.ctx.schedule.nextAttemptAt(attempts, arrivedAt, now);
      after = { address: before.address, status: 'deferred', attempts, lastAttemptAt: now, nextAttemptAt, failure: result.failure };
      this.ctx.log.info(`${id}: to=<${before.address}>, status=deferred (${result.failure.text})`);
    }
    record.recipients[index] = after;
  }

  /** Ends every recipient not yet final with the same failure (a loop, an administrator's bounce). */
  private settleAll(record: DeliveryRecord, failure: Failure): void {
    const now = this.ctx.schedule.clock.now();
    record.recipients = record.recipients.map((r) => (isFinal(r) ? r : { address: r.address, status: 'bounced', attempts: r.attempts, at: now, failure, notified: false }));
  }

  /** No notice is owed: every bounce has been reported to the sender. */
  private settled(record: DeliveryRecord): boolean {
    return record.recipients.every((r) => r.status !== 'bounced' || r.notified);
  }

  /**
   * Queues the DSNs the sender is owed: one for the recipients that failed for good, one delay warning
   * while some still wait. Never for the null sender, so a bounce cannot bounce (RFC 5321 §6.1).
   * The notice's id follows from the message's id and a counter, so a notice written again after a
   * crash replaces itself instead of doubling.
   */
  private async notify(record: DeliveryRecord, queued: QueuedMessage, arrivedAt: number): Promise<void> {
    const { envelope } = queued;
    const now = this.ctx.schedule.clock.now();
    const unreported = record.recipients.filter((r): r is Extract<RecipientState, { status: 'bounced' }> => r.status === 'bounced' && !r.notified);
    if (unreported.length > 0) {
      if (envelope.from === '') {
        this.ctx.log.info(`${envelope.id}: no notice for the null sender <> (it is itself a notice): ${unreported.length} recipient(s) dropped`);
      } else {
        // The bounces reach the disk before their notice is queued: after a crash between the two,
        // the same notice (same id) is queued again and replaces itself.
        await this.ctx.records.save(record);
        await this.queueNotice(record, 'failed', envelope.from, unreported.map((r) => ({ address: r.address, failure: r.failure, lastAttemptAt: r.at })), queued, arrivedAt, now);
      }
      for (const r of unreported) r.notified = true;
    }
    const waiting = record.recipients.filter((r): r is Extract<RecipientState, { status: 'deferred' }> => r.status === 'deferred');
    if (!record.delayWarned && waiting.length > 0 && envelope.from !== '' && this.ctx.schedule.warningDue(arrivedAt, now)) {
      const notice = waiting.map((r) => ({ address: r.address, failure: r.failure, lastAttemptAt: r.lastAttemptAt }));
      await this.queueNotice(record, 'delayed', envelope.from, notice, queued, arrivedAt, now);
      record.delayWarned = true;
    }
  }

  private async queueNotice(
    record: DeliveryRecord,
    action: 'failed' | 'delayed',
    to: string,
    recipients: NoticeRecipient[],
    queued: QueuedMessage,
    arrivedAt: number,
    now: number,
  ): Promise<void> {
    const id = noticeId(record.id, record.notices);
    const { schedule } = this.ctx;
    const body = buildNotice({
      action,
      id,
      reportingHost: this.ctx.hostName,
      queueId: record.id,
      arrivedAt: new Date(arrivedAt),
      to,
      recipients,
      original: queued.message,
      now: new Date(now),
      delayedFor: schedule.describeDelayWarning(),
      lifetime: schedule.describeLifetime(),
      retryUntil: new Date(schedule.giveUpAt(arrivedAt)),
    });
    await this.ctx.queue.enqueue({ id, from: '', recipients: [to], receivedAt: new Date(now).toISOString(), host: this.ctx.hostName }, body);
    record.notices += 1;
    this.ctx.log.info(`${record.id}: sender ${action === 'failed' ? 'non-delivery' : 'delay'} notification: ${id}`);
  }
}

/** A queue id for the n-th notice about a message: the same every time it is computed. */
export function noticeId(queueId: string, n: number): string {
  return createHash('sha256').update(`${queueId}/notice/${n}`).digest('hex').slice(0, 12).toUpperCase();
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
