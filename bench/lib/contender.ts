import { PeakSampler, treeRssBytes } from './memory.js';

/** A server under test: where it listens, what it has used, and how to stop it. */
export interface Contender {
  name: string;
  port: number;
  cpuSeconds(): Promise<number>;
  /** Runs `work`; the server's peak memory, once all its work is done, comes from `peakBytes`. */
  watchMemory<T>(work: () => Promise<T>): Promise<T>;
  peakBytes(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/**
 * `watchMemory` and `peakBytes` for a multi-process server such as Dovecot: the sum over its processes,
 * which no kernel figure keeps, sampled every 100 ms while it works.
 */
export function sampledTreeMemory(rootPid: number): Pick<Contender, 'watchMemory' | 'peakBytes'> {
  let peak = 0;
  return {
    async watchMemory(work) {
      const sampler = new PeakSampler(() => treeRssBytes(rootPid), 100);
      sampler.start();
      try {
        return await work();
      } finally {
        peak = Math.max(peak, await sampler.stop());
      }
    },
    peakBytes: async () => peak,
  };
}

/**
 * `passes` passes of `pass` for every server, taken in turn (one server after the other, pass by
 * pass), so a slow moment of the machine falls on all of them alike. Gives each server its runs in
 * order and its CPU seconds per pass.
 */
export async function passesInTurn<T>(contenders: readonly Contender[], passes: number, pass: (server: Contender) => Promise<T>): Promise<Map<Contender, { runs: T[]; cpuPerPass: number }>> {
  const results = new Map(contenders.map((c) => [c, { runs: [] as T[], cpuPerPass: 0 }]));
  for (let n = 0; n < passes; n += 1) {
    for (const server of contenders) {
      const mine = results.get(server)!;
      const before = await server.cpuSeconds();
      mine.runs.push(await server.watchMemory(() => pass(server)));
      mine.cpuPerPass += ((await server.cpuSeconds()) - before) / passes;
    }
  }
  return results;
}

/** The run whose time is the median of the runs'. */
export function medianRun<T extends { seconds: number }>(runs: readonly T[]): T {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
}

/** Stops every server, saying (not throwing) when one fails to stop. */
export async function stopAll(contenders: readonly Contender[], print: (line: string) => void): Promise<void> {
  for (const server of contenders) await server.stop().catch((err: unknown) => print(`  (stopping ${server.name}: ${(err as Error).message})`));
}
