import { readFile } from 'node:fs/promises';
import { processTree } from './proc.js';

/** A "<name>: <n> kB" line of /proc/<pid>/status, in bytes; undefined once the process is gone. */
async function statusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/** The most memory the process has ever had resident (VmHWM): exact, however short the peak was. */
export function peakRssBytes(pid: number): Promise<number | undefined> {
  return statusBytes(pid, 'VmHWM');
}

/**
 * Resident memory of a process and all its descendants right now (a multi-process server such as
 * Postfix). Shared pages count once per process, so this is an upper bound of what they use together.
 */
export async function treeRssBytes(rootPid: number): Promise<number> {
  let total = 0;
  for (const pid of await processTree(rootPid)) total += (await statusBytes(pid, 'VmRSS')) ?? 0;
  return total;
}

/** Samples a memory figure at an interval and keeps the highest; for processes whose peak the kernel cannot sum for us. */
export class PeakSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly sample: () => Promise<number>,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      // One sample at a time: a slow /proc scan must not pile up.
      this.pending = this.pending.then(() => this.take());
    }, this.intervalMs);
  }

  /** Stops sampling (after one last sample) and returns the highest value seen. */
  async stop(): Promise<number> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pending;
    await this.take();
    return this.peak;
  }

  private async take(): Promise<void> {
    this.peak = Math.max(this.peak, await this.sample().catch(() => 0));
  }
}
