import type { LabConfig } from '../lab/config.js';
import type { DataDir } from '../lab/data-dir.js';

/** What every subcommand gets: the same config, data directory and port offset `wirelab up` would use. */
export interface CliContext {
  config: LabConfig;
  /** Whether the config came from a file (`--config`) rather than the built-in demo. */
  configPath: string | undefined;
  dataDir: DataDir;
  portOffset: number;
  out(line: string): void;
  err(line: string): void;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** One line for `wirelab help COMMAND`. */
  help: string;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CliCommand {
  name: string;
  summary: string;
  /** e.g. `wirelab users add ADDRESS [--password P]` */
  usage: string[];
  options?: Record<string, OptionSpec>;
  /** Exit code. Throw WirelabError for failures a person should read. */
  run(args: { positionals: string[]; values: OptionValues }, ctx: CliContext): Promise<number>;
}
