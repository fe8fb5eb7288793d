import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { LabResolver } from '../../dns/lab-resolver.js';
import type { Service, ServiceContext, ServiceState, ServiceStatus } from '../../lab/service.js';
import { PkiPaths } from '../../pki/pki-paths.js';
import { DeliveryRecords } from '../queue/delivery-state.js';
import { OutboundQueue } from '../queue/outbound-queue.js';
import { ownerOf } from '../queue/owner.js';
import { QueueAdmin, type QueueAnswer, type QueueRequest } from '../queue/queue-admin.js';
import { QueueControl } from '../queue/queue-control.js';
import { LocalTransport } from './local-transport.js';
import { MessageWorker } from './message-worker.js';
import { RemoteTransport } from './remote-transport.js';
import { RouteFinder } from './routes.js';
import { LabClock, RetrySchedule } from './schedule.js';
import { WorkScheduler } from './work-scheduler.js';

/** A full look at the queue directory, besides the nudges from inotify (which can be missed). */
const RESCAN_MS = 5000;
/** How long `stop` lets deliveries in flight finish before their connections are cut. */
const DRAIN_MS = 30_000;
/**
 * Messages in work per connection allowed to a destination: while some wait for their outcome to
 * reach the disk, others keep the connections busy.
 */
const MESSAGES_PER_CONNECTION = 4;
/** Temporary files older than this are what a crash left half-written. */
const STALE_TMP_MS = 3600_000;

/**
 * A lab host's delivery agent (Postfix's qmgr and smtp(8) in one): it works the messages its host
 * queued for other domains — routing, sending, retrying on the lab clock, bouncing — and answers
 * `wirelab queue`. Start begins working the queue; stop lets the deliveries in flight finish, with
 * every outcome already on disk.
 */
export class DeliveryAgent implements Service {
  readonly name: string;
  readonly kind: string;
  private state: ServiceState = 'stopped';
  private startedAt: number | undefined;
  private readonly hostName: string;
  private readonly queue: OutboundQueue;
  private readonly records: DeliveryRecords;
  private readonly control: QueueControl;
  private readonly admin: QueueAdmin;
  private readonly scheduler: WorkScheduler;
  private readonly remote: RemoteTransport;
  private readonly stopping = new AbortController();
  /** Queued messages that belong to other hosts' agents, so their envelopes are read once. */
  private readonly foreign = new Set<string>();
  private readonly watchers: FSWatcher[] = [];
  private rescanTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private scanAgain = false;
  private labCaPem: string | undefined;
  private handling: Promise<void> | undefined;
  private handleAgain = false;

  constructor(private readonly ctx: ServiceContext) {
    this.name = ctx.name;
    this.kind = ctx.kind;
    this.hostName = ctx.host.name.toLowerCase();
    ctx.shutdown.addEventListener('abort', () => this.stopping.abort(), { once: true });
    const settings = ctx.config.mail.queue;
    const clock = new LabClock(settings.clockSpeed);
    const schedule = new RetrySchedule(settings, clock);
    this.queue = new OutboundQueue(ctx.dataDir.queue);
    this.records = new DeliveryRecords(ctx.dataDir.queue);
    this.control = new QueueControl(ctx.dataDir.queue);
    this.admin = new QueueAdmin(this.queue, this.records, () => clock.now());
    const pki = new PkiPaths(ctx.dataDir);
    this.remote = new RemoteTransport({
      localAddress: ctx.host.address,
      helo: ctx.host.name,
      connectTimeoutMs: settings.connectTimeout * 1000,
      tap: { service: ctx.name, host: ctx.host.name },
      signal: this.stopping.signal,
      connectionsPerDestination: settings.concurrency,
      keyLog: ctx.tlsKeyLog,
    });
    const worker = new MessageWorker({
      queue: this.queue,
      records: this.records,
      routes: new RouteFinder({
        config: ctx.config,
        host: ctx.host,
        resolver: LabResolver.forService(ctx),
        peers: (filter) => ctx.peers(filter),
        labCa: () => (this.labCaPem ??= readIfPresent(pki.caCert)),
      }),
      remote: this.remote,
      local: new LocalTransport(ctx.directory, ctx.dataDir),
      schedule,
      hostName: ctx.host.name,
      maxHops: settings.maxHops,
      log: ctx.log,
      signal: this.stopping.signal,
    });
    this.scheduler = new WorkScheduler(
      settings.concurrency * MESSAGES_PER_CONNECTION,
      (id, force) => worker.work(id, force),
      (id, err) => ctx.log.error(`${id}: ${(err as Error).message}`),
      () => clock.now(),
    );
  }

  async start(): Promise<void> {
    this.state = 'starting';
    await this.queue.sweepTemporary(STALE_TMP_MS);
    await this.removeOrphanRecords();
    await this.scan();
    await this.handleRequests();
    const nudge = (filename: string | null): void => {
      if (filename && /^[0-9A-F]+$/.test(filename)) void this.consider(filename);
      else this.requestScan();
    };
    this.watch(this.queue.activeDir, nudge);
    const controlWatcher = this.control.watch(this.hostName, () => void this.handleRequests());
    if (controlWatcher) this.watchers.push(controlWatcher);
    this.rescanTimer = setInterval(() => {
      this.requestScan();
      void this.handleRequests();
    }, RESCAN_MS);
    this.state = 'running';
    this.startedAt = Date.now();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    this.stopping.abort();
    for (const w of this.watchers) w.close();
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    await this.scheduler.stop(DRAIN_MS);
    await this.remote.close();
    this.state = 'stopped';
  }

  status(): ServiceStatus {
    return {
      state: this.state,
      endpoints: [],
      active: this.scheduler.active,
      total: this.scheduler.worked,
      ...(this.startedAt ? { startedAt: this.startedAt } : {}),
      detail: `${this.scheduler.size} message(s) in the queue of ${this.hostName}, ${this.scheduler.active} in delivery`,
    };
  }

  private watch(dir: string, onChange: (filename: string | null) => void): void {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, filename) => onChange(typeof filename === 'string' ? filename : null));
      watcher.on('error', () => watcher.close());
      this.watchers.push(watcher);
    } catch {
      // No inotify: the periodic rescan still finds new mail.
    }
  }

  private requestScan(): void {
    if (this.scanning) {
      this.scanAgain = true;
      return;
    }
    this.scanning = this.scan()
      .catch((err: unknown) => this.ctx.log.error(`queue scan failed: ${(err as Error).message}`))
      .finally(() => {
        this.scanning = undefined;
        if (this.scanAgain && !this.stopping.signal.aborted) {
          this.scanAgain = false;
          this.requestScan();
        }
      });
  }

  /** Takes on every queued message of this host not yet known; forgets those that left the queue. */
  private async scan(): Promise<void> {
    const ids = await this.queue.ids();
    const present = new Set(ids);
    for (const id of ids) await this.consider(id);
    for (const id of this.foreign) if (!present.has(id)) this.foreign.delete(id);
    for (const id of this.scheduler.ids()) if (!present.has(id)) this.scheduler.forget(id);
  }

  private async consider(id: string): Promise<void> {
    if (this.stopping.signal.aborted || this.scheduler.has(id) || this.foreign.has(id)) return;
    const envelope = await this.queue.envelope(id);
    if (!envelope || this.scheduler.has(id)) return;
    if (ownerOf(envelope, this.ctx.config) !== this.hostName) {
      this.foreign.add(id);
      return;
    }
    const record = await this.records.load(id);
    const waiting = record?.recipients.filter((r) => r.status === 'deferred').map((r) => r.nextAttemptAt) ?? [];
    const allWaiting = record !== undefined && record.recipients.every((r) => r.status !== 'pending') && waiting.length > 0 && record.recipients.every((r) => r.status !== 'bounced' || r.notified);
    if (allWaiting) this.scheduler.schedule(id, Math.min(...waiting));
    else this.scheduler.makeReady(id);
  }

  /** Records left by a crash between removing a message and removing its record. */
  private async removeOrphanRecords(): Promise<void> {
    const queued = new Set(await this.queue.ids());
    for (const id of await this.records.ids()) {
      if (queued.has(id)) continue;
      const envelope = await this.queue.envelope(id);
      if (!envelope) await this.records.remove(id);
    }
  }

  /** Carries out the waiting `wirelab queue` requests, one pass at a time (a request is never done twice). */
  private handleRequests(): Promise<void> {
    if (this.handling) {
      this.handleAgain = true;
      return this.handling;
    }
    this.handling = (async () => {
      do {
        this.handleAgain = false;
        if (this.stopping.signal.aborted) return;
        for (const { requestId, request } of await this.control.pending(this.hostName)) {
          const answer = await this.carryOut(request).catch((err: unknown): QueueAnswer => ({ ok: false, text: (err as Error).message }));
          await this.control.answer(this.hostName, requestId, answer);
        }
      } while (this.handleAgain);
    })()
      .catch((err: unknown) => this.ctx.log.error(`queue request failed: ${(err as Error).message}`))
      .finally(() => {
        this.handling = undefined;
      });
    return this.handling;
  }

  private async carryOut(request: QueueRequest): Promise<QueueAnswer> {
    // A flush or retry only changes when the agent works a message: nothing to write down (after a
    // restart, the recorded schedule holds again).
    if (request.action === 'flush') {
      const ids = this.scheduler.ids();
      for (const id of ids) this.scheduler.makeReady(id, true);
      return { ok: true, text: `${this.hostName}: ${ids.length} message(s) will be tried now` };
    }
    const { id } = request;
    if (request.action === 'retry') {
      if (!this.scheduler.has(id)) return { ok: false, text: `${id}: no such message in the queue of ${this.hostName}` };
      this.scheduler.makeReady(id, true);
      return { ok: true, text: `${id}: will be tried now` };
    }
    const answer = await this.scheduler.exclusive(id, () => this.admin[request.action](id));
    if (request.action === 'delete') this.scheduler.forget(id);
    else if (answer.ok) this.scheduler.makeReady(id);
    return answer;
  }
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
