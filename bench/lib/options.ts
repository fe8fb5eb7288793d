import { parseArgs } from 'node:util';

/** A whole-number option: its default and the range that makes sense for it. */
export interface CountOption {
  default: number;
  min: number;
  max: number;
}

/**
 * A bench's command line: whole-number options and on/off flags. `--help` prints the usage and exits;
 * an unknown option or a value out of range prints what was wrong and the usage, and exits with 2 —
 * never a stack trace.
 */
export function benchOptions<C extends string, F extends string = never>(
  usage: string,
  counts: Record<C, CountOption>,
  flags: readonly F[] = [],
): Record<C, number> & Record<F, boolean> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const name of Object.keys(counts)) options[name] = { type: 'string' };
  for (const name of flags) options[name] = { type: 'boolean' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ options, strict: true }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    return refuse((err as Error).message, usage);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const result: Record<string, number | boolean> = {};
  for (const [name, spec] of Object.entries(counts) as [C, CountOption][]) {
    const text = values[name];
    const value = typeof text === 'string' ? Number(text) : spec.default;
    if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
      return refuse(`--${name} ${String(text)}: expected a whole number from ${spec.min} to ${spec.max}`, usage);
    }
    result[name] = value;
  }
  for (const name of flags) result[name] = values[name] === true;
  return result as Record<C, number> & Record<F, boolean>;
}

function refuse(problem: string, usage: string): never {
  process.stderr.write(`${problem}\n\n${usage}\n`);
  process.exit(2);
}
