import { table } from '../../src/cli/table.js';

/** Where report lines go (stdout in the bench scripts). */
export type Print = (line: string) => void;

/** A goal the issue sets, checked against this run's figures; `met` is undefined when it could not be checked. */
export interface Verdict {
  goal: string;
  met: boolean | undefined;
  detail: string;
}

const MB = 1_000_000;

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}

/** Megabytes of 10^6 bytes, the unit the memory target is written in. */
export function formatMegabytes(bytes: number | undefined): string {
  return bytes === undefined ? '-' : `${(bytes / MB).toFixed(1)} MB`;
}

export function megabytes(n: number): number {
  return n * MB;
}

export function formatRatio(ours: number, theirs: number): string {
  return theirs > 0 ? `${(ours / theirs).toFixed(2)}x` : '-';
}

export function formatSize(bytes: number): string {
  return bytes >= 1024 && bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} B`;
}

export function printTable(print: Print, headers: string[], rows: string[][]): void {
  for (const line of table(headers, rows)) print(`  ${line}`);
}

export function printVerdicts(print: Print, verdicts: Verdict[]): void {
  for (const v of verdicts) {
    const mark = v.met === undefined ? 'NOT CHECKED' : v.met ? 'MET' : 'NOT MET';
    print(`  ${mark.padEnd(11)}  ${v.goal}: ${v.detail}`);
  }
}
