#!/usr/bin/env node
/**
 * SMTP acceptance throughput: messages per second accepted over concurrent connections, with durable
 * delivery, for wirelab and (when installed) Postfix in the same run. `npm run bench:smtp -- --help`.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { waitForMaildirCount } from '../lib/maildir.js';
import { formatCount, formatMegabytes, formatMs, formatSize, printTable, printVerdicts, type Print } from '../lib/report.js';
import { percentile } from '../lib/stats.js';
import { compare, describeComparison, integrityProblems, rate, verdicts, type Measurement } from './comparison.js';
import { runLoad } from './load.js';
import { buildMessage, type BenchMessage } from './message.js';
import { postfixAvailability, postfixVersion, startPostfix } from './postfix.js';
import { BENCH_RECIPIENT, BENCH_SENDER, type SmtpTarget } from './target.js';
import { startWirelab } from './wirelab.js';

const REPLY_TIMEOUT_MS = 60_000;

const USAGE = `Usage: npm run bench:smtp -- [options]

Starts wirelab (wirelab up, its own process) and, when installed and run as root, a throwaway
Postfix instance; sends each the same messages over N connections for a fixed time and prints
messages per second, latency of the final dot's 250, peak memory, and wirelab/Postfix.

  --duration SECONDS     measured time per server and size (default 10)
  --warmup SECONDS       sent first, not measured (default 2) …
  --warmup-messages N    … and at least this many messages (default 2000: wirelab's JIT needs messages, not time)
  --connections N        concurrent SMTP connections (default 10)
  --sizes LIST           message sizes, e.g. 1k,100k or 2048 (default 1k,100k)
  --rounds N             measure each server N times, alternating which goes first; the median
                         of the rounds' ratios is compared (default 1; 3 on a busy machine)
  --skip-postfix         measure wirelab only`;

interface Options {
  durationMs: number;
  warmupMs: number;
  warmupMessages: number;
  connections: number;
  sizes: number[];
  rounds: number;
  skipPostfix: boolean;
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      'warmup-messages': { type: 'string', default: '2000' },
      connections: { type: 'string', default: '10' },
      sizes: { type: 'string', default: '1k,100k' },
      rounds: { type: 'string', default: '1' },
      'skip-postfix': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const number = (name: string, text: string, min: number, max: number): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} ${text}: expected a number from ${min} to ${max}`);
    return n;
  };
  const sizes = values.sizes.split(',').map((s) => {
    const m = /^(\d+)(k?)$/i.exec(s.trim());
    if (!m) throw new Error(`--sizes: "${s}" is not a size like 1k, 100k or 2048`);
    return number('sizes', String(Number(m[1]) * (m[2] ? 1024 : 1)), 256, 10 * 1024 * 1024);
  });
  return {
    durationMs: number('duration', values.duration, 1, 3600) * 1000,
    warmupMs: number('warmup', values.warmup, 0, 600) * 1000,
    warmupMessages: Math.round(number('warmup-messages', values['warmup-messages'], 0, 1_000_000)),
    connections: Math.round(number('connections', values.connections, 1, 200)),
    sizes,
    rounds: Math.round(number('rounds', values.rounds, 1, 20)),
    skipPostfix: values['skip-postfix'],
  };
}

async function measure(start: () => Promise<SmtpTarget>, message: BenchMessage, round: number, options: Options, signal: AbortSignal): Promise<Measurement> {
  const target = await start();
  try {
    const cpuBefore = await target.cpuSeconds();
    const load = await runLoad({
      address: target.address,
      port: target.port,
      connections: options.connections,
      warmupMs: options.warmupMs,
      warmupMessages: options.warmupMessages,
      durationMs: options.durationMs,
      message,
      from: BENCH_SENDER,
      to: BENCH_RECIPIENT,
      replyTimeoutMs: REPLY_TIMEOUT_MS,
      signal,
    });
    // Counted before the server stops: a 250 must mean the message is already there (Postfix: once its queue has drained).
    const inMaildir = await waitForMaildirCount(target.maildir, load.accepted, target.deliveryGraceMs);
    const cpuSeconds = (await target.cpuSeconds()) - cpuBefore;
    const cpuMsPerMessage = load.accepted > 0 ? (cpuSeconds * 1000) / load.accepted : undefined;
    return { server: target.name, size: message.size, round, load, inMaildir, cpuMsPerMessage, memory: await target.peakMemory() };
  } finally {
    await target.stop();
  }
}

function row(m: Measurement): string[] {
  return [
    formatSize(m.size),
    String(m.round),
    m.server,
    formatCount(rate(m)),
    formatMs(percentile(m.load.latenciesMs, 50)),
    formatMs(percentile(m.load.latenciesMs, 99)),
    formatMs(m.cpuMsPerMessage),
    formatMegabytes(m.memory.bytes),
    formatCount(m.load.accepted),
    formatCount(m.inMaildir),
    formatCount(m.load.failures),
  ];
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv);
  const print: Print = (line) => process.stdout.write(`${line}\n`);
  if (parsed === 'help') {
    print(USAGE);
    return 0;
  }
  const options = parsed;
  const interrupted = new AbortController();
  // Every Ctrl-C is caught, not just the first: a second one must not leave a Postfix instance running.
  process.on('SIGINT', () => {
    print(interrupted.signal.aborted ? 'Still stopping the servers…' : 'Interrupted: finishing the messages in flight and stopping the servers…');
    interrupted.abort();
  });

  const postfix = options.skipPostfix ? { available: false as const, why: 'skipped (--skip-postfix)' } : postfixAvailability();
  print(`SMTP acceptance bench, ${new Date().toISOString()}`);
  print(
    `  ${options.connections} connections, messages back to back (EHLO once; MAIL, RCPT, DATA pipelined; then the message), ` +
      `warm-up of at least ${options.warmupMs / 1000} s and ${formatCount(options.warmupMessages)} messages, ${options.durationMs / 1000} s measured, ` +
      'one recipient, Maildir delivery with fsync',
  );
  print(`  node ${process.version}; Postfix: ${postfix.available ? await postfixVersion() : postfix.why}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const servers: { name: string; start: () => Promise<SmtpTarget> }[] = [{ name: 'wirelab', start: startWirelab }];
  if (postfix.available) servers.push({ name: 'Postfix', start: startPostfix });
  const results: Measurement[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    // Each round alternates which server goes first, so neither always meets the machine in the same mood.
    const order = round % 2 === 1 ? servers : [...servers].reverse();
    for (const size of options.sizes) {
      const message = buildMessage(size, BENCH_SENDER, BENCH_RECIPIENT);
      for (const server of order) {
        if (interrupted.signal.aborted) break;
        const m = await measure(server.start, message, round, options, interrupted.signal);
        // A measurement cut short by Ctrl-C is not a figure: it is neither printed nor compared.
        if (interrupted.signal.aborted) break;
        const warmup = `after ${formatCount(m.load.warmup.messages)} in ${(m.load.warmup.ms / 1000).toFixed(1)} s of warm-up`;
        print(`  round ${round}, ${server.name}, ${formatSize(size)}: ${formatCount(rate(m))} msg/s (${formatCount(m.load.measured)} in ${m.load.windowMs / 1000} s, ${warmup}; load average ${loadavg()[0]!.toFixed(1)})`);
        results.push(m);
      }
    }
  }

  print('');
  printTable(print, ['SIZE', 'ROUND', 'SERVER', 'MSG/S', 'P50', 'P99', 'CPU/MSG', 'PEAK MEMORY', '250s', 'IN MAILDIR', 'FAILURES'], results.map(row));
  for (const size of options.sizes) {
    const comparison = compare(results, size);
    if (comparison.rateRatios.length > 0) print(`  ${describeComparison(comparison)}`);
  }
  print('  P50/P99: from the final dot handed to the socket to its 250. 250s: every accepted message, warm-up included.');
  print('  CPU/MSG: CPU time of all the server\'s processes and threads per accepted message, delivery included. On a busy machine');
  print('  MSG/S follows the CPU share each server wins from the others (Postfix runs ~25 processes, wirelab one); CPU/MSG does not.');
  for (const how of new Set(results.map((m) => `${m.server}: ${m.memory.how}`))) print(`  Peak memory, ${how}.`);
  print(`  Load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  print('');
  print('Targets:');
  printVerdicts(print, verdicts(results, postfix.available));
  const problems = integrityProblems(results);
  print('');
  if (problems.length === 0) {
    print('Checks: every 250 is a message in the Maildir; no failures.');
  } else {
    print('Checks FAILED — these figures cannot be trusted:');
    for (const p of problems) print(`  ${p}`);
  }
  if (interrupted.signal.aborted) return 130;
  return problems.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench:smtp: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
