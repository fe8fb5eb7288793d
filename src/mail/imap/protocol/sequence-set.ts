/** The largest number a sequence set may name (nz-number, RFC 3501 §9). */
const MAX_NUMBER = 4294967295;

/** One element of a sequence set; `'*'` is the largest number in use. */
export interface SequenceRange {
  from: number | '*';
  to: number | '*';
}

/** A parsed sequence set (RFC 3501 §9 `sequence-set`): `1`, `2:4`, `7:*`, `1,3,5:6`. */
export class SequenceSet {
  private constructor(readonly ranges: readonly SequenceRange[]) {}

  /** The set, or undefined when `text` is not a sequence set. */
  static parse(text: string): SequenceSet | undefined {
    if (text.length === 0) return undefined;
    const ranges: SequenceRange[] = [];
    for (const piece of text.split(',')) {
      const bounds = piece.split(':');
      if (bounds.length > 2) return undefined;
      const from = parseNumber(bounds[0]!);
      const to = bounds.length === 2 ? parseNumber(bounds[1]!) : from;
      if (from === undefined || to === undefined) return undefined;
      ranges.push({ from, to });
    }
    return new SequenceSet(ranges);
  }

  /** Whether `n` is in the set, `*` standing for `star` (a range matches in either order, RFC 3501 §9). */
  has(n: number, star: number): boolean {
    for (const range of this.ranges) {
      const a = range.from === '*' ? star : range.from;
      const b = range.to === '*' ? star : range.to;
      if (n >= Math.min(a, b) && n <= Math.max(a, b)) return true;
    }
    return false;
  }

  /** The largest explicit number in the set (to check sequence numbers against EXISTS). */
  largestNumber(): number {
    let max = 0;
    for (const { from, to } of this.ranges) {
      if (from !== '*') max = Math.max(max, from);
      if (to !== '*') max = Math.max(max, to);
    }
    return max;
  }
}

function parseNumber(text: string): number | '*' | undefined {
  if (text === '*') return '*';
  if (!/^[1-9]\d{0,9}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_NUMBER ? n : undefined;
}

/**
 * Writes sorted numbers compactly (`1:3,7,9:10`), as COPYUID/APPENDUID and SEARCH-derived sets are
 * written (RFC 4315 §3 `uid-set`). Order is kept: COPYUID pairs source and destination sets by position.
 */
export function formatSequence(numbers: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j += 1;
    parts.push(j === i ? String(numbers[i]) : `${numbers[i]}:${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
