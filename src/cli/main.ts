#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { WirelabError } from '../lab/errors.js';
import type { CliCommand } from './command.js';
import { COMMANDS } from './commands/index.js';
import { buildContext, COMMON_OPTIONS } from './context.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'wirelab — the internet\'s classic services in one program, with every conversation visible',
    '',
    'Usage: wirelab COMMAND [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --config FILE, --data DIR and --port-offset N.',
    'More about one command: wirelab help COMMAND',
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  const options = { ...COMMON_OPTIONS, ...command.options };
  const width = Math.max(...Object.keys(options).map((k) => k.length + 2));
  return [
    command.summary,
    '',
    ...command.usage.map((u) => `  ${u}`),
    '',
    'Options:',
    ...Object.entries(options).map(([name, spec]) => `  ${`--${name}`.padEnd(width + 2)} ${spec.help}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${topic ? commandHelp(topic) : usage()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`wirelab: unknown command "${name}". Commands: ${COMMANDS.map((c) => c.name).join(', ')}.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: Object.fromEntries(
        Object.entries({ ...COMMON_OPTIONS, ...command.options }).map(([key, spec]) => [
          key,
          { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`wirelab ${name}: ${(err as Error).message}. See \`wirelab help ${name}\`.\n`);
    return 2;
  }
  const ctx = await buildContext(parsed.values);
  return command.run({ positionals: parsed.positionals, values: parsed.values }, ctx);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof WirelabError) {
      process.stderr.write(`wirelab: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`wirelab: unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 70;
    }
  },
);
