import type { MailQueueConfig } from '../../lab/config.js';

/**
 * The lab clock: queue time runs `speed` times faster than the wall clock, so a lab can watch a
 * 5-day give-up in a minute. Timestamps stay wall-clock milliseconds (the queue files and `wirelab
 * queue` show real times); only the durations of the schedule are divided by the speed.
 */
export class LabClock {
  constructor(
    readonly speed: number,
    private readonly wallClock: () => number = Date.now,
  ) {}

  now(): number {
    return this.wallClock();
  }

  /** Wall-clock milliseconds that `labSeconds` of queue time take. */
  realMs(labSeconds: number): number {
    return (labSeconds * 1000) / this.speed;
  }

  /** Queue time (seconds) between two wall-clock instants. */
  labSecondsBetween(fromMs: number, toMs: number): number {
    return ((toMs - fromMs) * this.speed) / 1000;
  }
}

/**
 * When to try again, as Postfix's qmgr does: after the first failure wait `minRetry`, then double the
 * wait after each failure up to `maxRetry`. With the defaults (300 s, 4000 s) the tries come 5, 10, 20
 * and 40 minutes apart, then every 66 min 40 s — over the seed's "at least 30 minutes" once
 * established — until `lifetime` (5 days), when the message is tried one last time and bounced.
 */
export class RetrySchedule {
  constructor(
    private readonly policy: Pick<MailQueueConfig, 'minRetry' | 'maxRetry' | 'lifetime' | 'delayWarning'>,
    readonly clock: LabClock,
  ) {}

  /** Queue-time seconds to wait after the `failures`-th failed try (1 = the first). */
  backoffSeconds(failures: number): number {
    const doubled = this.policy.minRetry * 2 ** Math.min(Math.max(failures - 1, 0), 40);
    return Math.min(doubled, this.policy.maxRetry);
  }

  /** Wall-clock time of the next try after a failure at `now`: never past the give-up time, so the last try happens then. */
  nextAttemptAt(failures: number, arrivedAt: number, now: number): number {
    const next = now + this.clock.realMs(this.backoffSeconds(failures));
    return Math.min(next, this.giveUpAt(arrivedAt));
  }

  giveUpAt(arrivedAt: number): number {
    return arrivedAt + this.clock.realMs(this.policy.lifetime);
  }

  /** Whether a message that arrived at `arrivedAt` has been queued for its whole lifetime. */
  expired(arrivedAt: number, now: number): boolean {
    return now >= this.giveUpAt(arrivedAt);
  }

  /** Whether a still-queued message is owed a "delayed" notice (RFC 3464 Action: delayed). */
  warningDue(arrivedAt: number, now: number): boolean {
    return this.policy.delayWarning > 0 && this.clock.labSecondsBetween(arrivedAt, now) >= this.policy.delayWarning;
  }

  /** The give-up time in words, for the bounce text ("5 days"). */
  describeLifetime(): string {
    return describeSeconds(this.policy.lifetime);
  }

  describeDelayWarning(): string {
    return describeSeconds(this.policy.delayWarning);
  }
}

export function describeSeconds(seconds: number): string {
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}
