import type { CliCommand } from '../command.js';
import { initCommand } from './init.js';
import { upCommand } from './up.js';

/** Every `wirelab` subcommand, in the order `wirelab help` lists them. */
export const COMMANDS: readonly CliCommand[] = [upCommand, initCommand];
