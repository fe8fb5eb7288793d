#!/usr/bin/env node
/**
 * Relay throughput: messages per second sent on from a full queue to a remote sink over N connections,
 * for wirelab's delivery agent and (when installed) Postfix, in the same run.
 * `node dist/bench/relay/main.js --help`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { postfixUnavailable, startPostfix } from '../../test/helpers/postfix.js';
import { freePort } from '../../test/helpers/free-port.js';
import { startLabProcess } from '../lib/lab-process.js';
import { PeakSampler, treeRssBytes } from '../lib/memory.js';
import { benchOptions } from '../lib/options.js';
import { formatCount, formatMegabytes, formatRatio, formatSize, printTable, printVerdicts, type Print, type Verdict } from '../lib/report.js';
import { buildMessage, type BenchMessage } from '../smtp/message.js';
import { inject } from './inject.js';
import { startSink, type Sink } from './sink.js';

const exec = promisify(execFile);
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** The remote sink's own loopback address: neither lab host nor Postfix. */
const SINK_ADDRESS = '127.0.0.43';
const SENDER = 'user1@st.um';
const DOMAIN = 'sink.test';
const WAIT_MS = 300_000;

const USAGE = `Usage: node dist/bench/relay/main.js [options]

Fills a queue with N messages for a remote domain while its sink is unreachable, then starts the
sink (Postfix's smtp-sink when installed, else a Node sink), flushes the queue, and measures how fast
the messages reach the sink over C connections: wirelab's delivery agent (wirelab up, its own
process), then, when installed and run as root, a throwaway Postfix relaying the same load.

  --messages N       messages in the queue (default 5000)
  --size BYTES       message size (default 1024)
  --connections C    concurrent connections to the sink (default 10)
  --skip-postfix     measure wirelab only`;

interface Options {
  messages: number;
  size: number;
  connections: number;
  skipPostfix: boolean;
}

interface Measurement {
  server: string;
  sink: string;
  delivered: number;
  /** Messages per second at the sink, first to last arrival. */
  rate: number;
  /** From the flush to an empty queue (the last outcomes written), in ms. */
  flushToEmptyMs: number;
  peakBytes: number | undefined;
  memoryHow: string;
}

async function main(): Promise<number> {
  const values = benchOptions(
    USAGE,
    { messages: { default: 5000, min: 1, max: 1_000_000 }, size: { default: 1024, min: 100, max: 50 * 1024 * 1024 }, connections: { default: 10, min: 1, max: 200 } },
    ['skip-postfix'],
  );
  const options: Options = { messages: values.messages, size: values.size, connections: values.connections, skipPostfix: values['skip-postfix'] };
  const print: Print = (line) => console.log(line);
  const message = buildMessage(options.size, SENDER, `someone@${DOMAIN}`);
  print(`bench/relay: ${formatCount(options.messages)} messages of ${formatSize(message.size)} from a full queue to a sink, ${options.connections} connections; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const results: Measurement[] = [await measureWirelab(options, message)];
  const postfixWhy = options.skipPostfix ? 'skipped (--skip-postfix)' : await postfixUnavailable('127.0.0.1', await freePort());
  if (postfixWhy) print(`Postfix: ${postfixWhy}`);
  else results.push(await measurePostfix(options, message));

  print('');
  printTable(
    print,
    ['SERVER', 'DELIVERED', 'MSG/S AT THE SINK', 'FLUSH → EMPTY QUEUE', 'PEAK MEMORY', 'SINK'],
    results.map((r) => [r.server, formatCount(r.delivered), formatCount(r.rate), `${(r.flushToEmptyMs / 1000).toFixed(2)} s`, formatMegabytes(r.peakBytes), r.sink]),
  );
  for (const r of results) print(`  memory of ${r.server}: ${r.memoryHow}`);
  const [ours, theirs] = results;
  const verdicts: Verdict[] = [
    {
      goal: 'relay rate at least Postfix\'s',
      met: theirs ? ours!.rate >= theirs.rate : undefined,
      detail: theirs ? `${formatCount(ours!.rate)} vs ${formatCount(theirs.rate)} msg/s (${formatRatio(ours!.rate, theirs.rate)})` : 'Postfix not measured',
    },
  ];
  print('');
  printVerdicts(print, verdicts);
  return 0;
}

/** wirelab: the lab's SMTP takes the load into the queue (the sink is down, every message waits), then `wirelab queue flush`. */
async function measureWirelab(options: Options, message: BenchMessage): Promise<Measurement> {
  const sinkPort = await freePort(SINK_ADDRESS);
  const configYaml = wirelabConfig(sinkPort, options.connections);
  const lab = await startLabProcess({ configYaml, logLevel: 'error' });
  const configDir = await mkdtemp(join(tmpdir(), 'wirelab-relay-bench-'));
  let sink: Sink | undefined;
  try {
    // `wirelab queue` reads the same config as the lab, as a person would pass it.
    const configFile = join(configDir, 'lab.yaml');
    await writeFile(configFile, configYaml);
    const smtp = lab.endpoint('smtp');
    const accepted = await inject(smtp.address, smtp.port, { count: options.messages, connections: options.connections, message, from: SENDER, domain: DOMAIN });
    // Each message was tried once, found the sink down, and waits with a delivery record.
    const records = join(lab.dataDir.queue, 'state');
    await until(`${accepted} messages deferred`, async () => (await readdir(records)).filter((n) => n.endsWith('.json')).length >= accepted);
    sink = await startSink(SINK_ADDRESS, sinkPort);
    const flushedAt = performance.timeOrigin + performance.now();
    await exec(process.execPath, [CLI, 'queue', 'flush', '--config', configFile, '--data', lab.dataDir.root], { timeout: 60_000 });
    await sink.waitFor(accepted, WAIT_MS);
    const active = join(lab.dataDir.queue, 'active');
    await until('the queue to empty', async () => (await readdir(active)).length === 0);
    const emptyAt = performance.timeOrigin + performance.now();
    return {
      server: 'wirelab',
      sink: sink.name,
      delivered: sink.count,
      rate: rateOf(sink),
      flushToEmptyMs: emptyAt - flushedAt,
      peakBytes: await lab.peakRssBytes(),
      memoryHow: 'VmHWM of the lab process (SMTP server and delivery agent)',
    };
  } finally {
    await sink?.stop();
    await lab.stop();
    await rm(configDir, { recursive: true, force: true });
  }
}

function wirelabConfig(sinkPort: number, connections: number): string {
  return `
domains:
  - { name: st.um, mailHost: st.um }
hosts:
  - { name: st.um, address: 127.0.0.1 }
mail:
  queue:
    concurrency: ${connections}
    smarthost: { host: ${SINK_ADDRESS}, port: ${sinkPort}, tls: opportunistic }
services:
  smtp: { host: st.um, port: 0 }
  delivery: { host: st.um }
`;
}

/** Postfix: its smtpd takes the load with defer_transports=smtp (everything waits), then the deferral is lifted and the queue flushed. */
async function measurePostfix(options: Options, message: BenchMessage): Promise<Measurement> {
  const sinkPort = await freePort(SINK_ADDRESS);
  const smtpdPort = await freePort();
  const concurrency = String(options.connections);
  const postfix = await startPostfix({
    listen: { address: '127.0.0.1', port: smtpdPort },
    domain: 'postfix.bench',
    settings: {
      relayhost: `[${SINK_ADDRESS}]:${sinkPort}`,
      defer_transports: 'smtp',
      // Exactly C connections from the start, as wirelab's agent opens them.
      smtp_destination_concurrency_limit: concurrency,
      initial_destination_concurrency: concurrency,
      smtp_tls_security_level: 'none',
    },
  });
  const memory = new PeakSampler(() => treeRssBytes(postfix.masterPid));
  memory.start();
  let sink: Sink | undefined;
  try {
    const accepted = await inject('127.0.0.1', smtpdPort, { count: options.messages, connections: options.connections, message, from: SENDER, domain: DOMAIN });
    await until(`${accepted} messages deferred by Postfix`, async () => (await postfix.queued(['deferred'])) >= accepted && (await postfix.queued(['maildrop', 'incoming', 'active'])) === 0);
    sink = await startSink(SINK_ADDRESS, sinkPort);
    const flushedAt = performance.timeOrigin + performance.now();
    await postfix.postconf('-e', 'defer_transports=');
    await postfix.postfix('reload');
    await postfix.postqueue('-f');
    await sink.waitFor(accepted, WAIT_MS);
    await until('Postfix\'s queue to empty', async () => (await postfix.queued()) === 0);
    const emptyAt = performance.timeOrigin + performance.now();
    return {
      server: 'Postfix',
      sink: sink.name,
      delivered: sink.count,
      rate: rateOf(sink),
      flushToEmptyMs: emptyAt - flushedAt,
      peakBytes: await memory.stop(),
      memoryHow: 'peak of the summed RSS of master and its children, sampled every 250 ms',
    };
  } finally {
    await memory.stop();
    await sink?.stop();
    await postfix.stop();
  }
}

function rateOf(sink: Sink): number {
  const spanMs = (sink.lastAt ?? 0) - (sink.firstAt ?? 0);
  return spanMs > 0 ? ((sink.count - 1) * 1000) / spanMs : 0;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
