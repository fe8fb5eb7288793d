import { readdir, readFile } from 'node:fs/promises';

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

/** The parent of every process, from /proc/<pid>/stat (the field after the parenthesised name). */
async function parents(): Promise<Map<number, number>> {
  const map = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(entry), ppid);
    } catch {
      // The process ended between readdir and readFile.
    }
  }
  return map;
}

/**
 * Resident memory of a process and all its descendants right now (a multi-process server such as
 * Postfix). Shared pages count once per process, so this is an upper bound of what they use together.
 */
export async function treeRssBytes(rootPid: number): Promise<number> {
  const parentOf = await parents();
  const tree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parentOf) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of tree) total += (await statusBytes(pid, 'VmRSS')) ?? 0;
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
