import type { CliCommand } from '../command.js';
import { captureCommand } from './capture.js';
import { certsCommand } from './certs.js';
import { dnsCommand } from './dns.js';
import { initCommand } from './init.js';
import { queueCommand } from './queue.js';
import { statusCommand } from './status.js';
import { testCommand } from './test.js';
import { traceCommand } from './trace.js';
import { upCommand } from './up.js';
import { usersCommand } from './users.js';

/** Every `wirelab` subcommand, in the order `wirelab help` lists them. */
export const COMMANDS: readonly CliCommand[] = [upCommand, initCommand, statusCommand, testCommand, traceCommand, captureCommand, usersCommand, queueCommand, certsCommand, dnsCommand];
