import { formatCount, formatMegabytes, formatRatio, formatSize, megabytes, type Verdict } from '../lib/report.js';
import type { LoadResult } from './load.js';

/** The issue's targets: wirelab's rate against Postfix's, per message size, and a memory ceiling. */
const RATE_GOALS = [
  { size: 1024, factor: 2 },
  { size: 100 * 1024, factor: 1 },
];
const MEMORY_CEILING = megabytes(150);

/** One server, one message size, one round. */
export interface Measurement {
  server: string;
  size: number;
  round: number;
  load: LoadResult;
  inMaildir: number;
  /** Server CPU time per accepted message, delivery after the 250 included. */
  cpuMsPerMessage: number | undefined;
  memory: { bytes: number | undefined; how: string };
}

export function rate(m: Measurement): number {
  return m.load.measured / (m.load.windowMs / 1000);
}

/**
 * wirelab/Postfix for one size, round by round: the two servers of a round ran one right after the
 * other, so a round's ratio suffers least from the machine's load changing; the median is compared.
 */
export interface SizeComparison {
  size: number;
  rateRatios: number[];
  cpuRatios: number[];
  medianRateRatio: number | undefined;
}

export function compare(results: readonly Measurement[], size: number): SizeComparison {
  const rateRatios: number[] = [];
  const cpuRatios: number[] = [];
  for (const ours of results.filter((m) => m.server === 'wirelab' && m.size === size)) {
    const theirs = results.find((m) => m.server === 'Postfix' && m.size === size && m.round === ours.round);
    if (!theirs || rate(theirs) === 0) continue;
    rateRatios.push(rate(ours) / rate(theirs));
    if (ours.cpuMsPerMessage && theirs.cpuMsPerMessage) cpuRatios.push(theirs.cpuMsPerMessage / ours.cpuMsPerMessage);
  }
  return { size, rateRatios, cpuRatios, medianRateRatio: median(rateRatios) };
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function describeComparison(c: SizeComparison): string {
  const list = (ratios: number[]): string => ratios.map((r) => formatRatio(r, 1)).join(', ');
  const medianText = c.rateRatios.length > 1 ? ` (median ${formatRatio(c.medianRateRatio ?? 0, 1)})` : '';
  const cpu = c.cpuRatios.length > 0 ? `; CPU per message, Postfix/wirelab = ${list(c.cpuRatios)}` : '';
  return `${formatSize(c.size)}: rate, wirelab/Postfix = ${list(c.rateRatios)}${medianText}${cpu}`;
}

export function verdicts(results: readonly Measurement[], postfixCompared: boolean): Verdict[] {
  const out: Verdict[] = [];
  for (const goal of RATE_GOALS) {
    if (!results.some((m) => m.server === 'wirelab' && m.size === goal.size)) continue;
    const name = `${formatSize(goal.size)}: wirelab at least ${goal.factor === 1 ? "Postfix's rate" : `${goal.factor}x Postfix's rate`}`;
    const c = compare(results, goal.size);
    if (!postfixCompared || c.medianRateRatio === undefined) {
      out.push({ goal: name, met: undefined, detail: 'Postfix not measured (or accepted nothing) in this run' });
      continue;
    }
    const rounds = c.rateRatios.length > 1 ? `median of ${c.rateRatios.length} rounds ` : '';
    out.push({ goal: name, met: c.medianRateRatio >= goal.factor, detail: `${rounds}${formatRatio(c.medianRateRatio, 1)}` });
  }
  const peaks = results.filter((m) => m.server === 'wirelab').map((m) => m.memory.bytes ?? Infinity);
  if (peaks.length > 0) {
    const peak = Math.max(...peaks);
    out.push({ goal: `wirelab peak memory under ${formatMegabytes(MEMORY_CEILING)}`, met: peak < MEMORY_CEILING, detail: formatMegabytes(peak) });
  }
  return out;
}

/** Problems that make the figures untrustworthy: lost or unexpected messages, refused messages, broken connections. */
export function integrityProblems(results: readonly Measurement[]): string[] {
  const problems: string[] = [];
  for (const m of results) {
    const what = `${m.server}, ${formatSize(m.size)}, round ${m.round}`;
    if (m.inMaildir !== m.load.accepted) problems.push(`${what}: ${formatCount(m.load.accepted)} messages got 250 but the Maildir holds ${formatCount(m.inMaildir)}`);
    if (m.load.failures > 0) problems.push(`${what}: ${m.load.failures} failures, e.g. ${m.load.failureSamples.join('; ')}`);
  }
  return problems;
}
