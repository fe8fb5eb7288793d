/** Longest single timer wait: setTimeout cannot wait more than 2^31-1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Which queued messages to work, and when: a FIFO of messages due now, the others waiting for their
 * time, at most `concurrency` in work at once, and one message never worked twice at the same time
 * (an administrator's request on a message in work waits for it: `exclusive`).
 */
export class WorkScheduler {
  private readonly waiting = new Map<string, number>();
  private readonly ready: string[] = [];
  private readonly inReady = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Made ready while in work: run again once the current run ends. */
  private readonly again = new Set<string>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Messages whose next run tries every waiting recipient now, whatever its schedule (a flush). */
  private readonly forced = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  worked = 0;

  constructor(
    private readonly concurrency: number,
    /** Works a message (`force`: every waiting recipient now); resolves with when it next needs work, or undefined once it left the queue. */
    private readonly work: (id: string, force: boolean) => Promise<number | undefined>,
    private readonly onError: (id: string, err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every message this agent is responsible for right now. */
  get size(): number {
    return new Set([...this.waiting.keys(), ...this.inReady, ...this.inFlight.keys()]).size;
  }

  get active(): number {
    return this.inFlight.size;
  }

  has(id: string): boolean {
    return this.waiting.has(id) || this.inReady.has(id) || this.inFlight.has(id);
  }

  ids(): string[] {
    return [...new Set([...this.waiting.keys(), ...this.inReady, ...this.inFlight.keys()])];
  }

  /** Work the message as soon as a slot is free; `force` tries its deferred recipients too (postqueue -f). */
  makeReady(id: string, force = false): void {
    if (this.stopped) return;
    if (force) this.forced.add(id);
    this.waiting.delete(id);
    if (this.inFlight.has(id)) this.again.add(id);
    else if (!this.inReady.has(id)) {
      this.inReady.add(id);
      this.ready.push(id);
    }
    this.pump();
  }

  /** Work the message at `at` (wall clock). */
  schedule(id: string, at: number): void {
    if (this.stopped) return;
    if (at <= this.now()) {
      this.makeReady(id);
      return;
    }
    this.waiting.set(id, at);
    if (at < this.timerAt) this.arm(at);
  }

  /** Drops a message the agent no longer holds (deleted, or gone from the queue). */
  forget(id: string): void {
    this.waiting.delete(id);
    if (this.inReady.delete(id)) this.ready.splice(this.ready.indexOf(id), 1);
    this.again.delete(id);
    this.forced.delete(id);
  }

  /** Runs `fn` when no other work on the message is running, and keeps others out while it runs. */
  exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(id) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  /** Starts nothing new; resolves when the work in flight has finished or `deadlineMs` has passed. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), deadline]);
  }

  private pump(): void {
    while (!this.stopped && this.inFlight.size < this.concurrency && this.ready.length > 0) {
      const id = this.ready.shift()!;
      this.inReady.delete(id);
      this.start(id);
    }
  }

  private start(id: string): void {
    const run = this.exclusive(id, () => this.work(id, this.forced.delete(id)))
      .then(
        (next) => {
          this.worked += 1;
          return next;
        },
        (err: unknown) => {
          this.onError(id, err);
          // Something broke (a disk error, a bug): look again later rather than spin.
          return this.now() + 60_000;
        },
      )
      .then((next) => {
        this.inFlight.delete(id);
        if (this.again.delete(id)) this.makeReady(id);
        else if (next !== undefined) this.schedule(id, next);
        this.pump();
      });
    this.inFlight.set(id, run);
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.min(Math.max(at - this.now(), 0), MAX_TIMER_MS));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    let next = Infinity;
    for (const [id, at] of this.waiting) {
      if (at <= now) {
        this.waiting.delete(id);
        if (!this.inReady.has(id) && !this.inFlight.has(id)) {
          this.inReady.add(id);
          this.ready.push(id);
        }
      } else if (at < next) next = at;
    }
    if (next !== Infinity) this.arm(next);
    this.pump();
  }
}
