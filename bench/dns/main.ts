#!/usr/bin/env node
/**
 * DNS: dnsperf against wirelab's authoritative st.um (wirelab up, its own process, transcript store on)
 * and, when installed, BIND 9 serving the same zone in the same run. `node dist/bench/dns/main.js --help`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { pullZone } from '../../src/dns/transfer/zone-transfer.js';
import { Zone } from '../../src/dns/zone/zone.js';
import { writeZoneFile } from '../../src/dns/zone/zone-writer.js';
import { DEMO_CONFIG_YAML } from '../../src/lab/demo-config.js';
import type { LabConfigInput } from '../../src/lab/config.js';
import { startLabProcess } from '../lib/lab-process.js';
import { peakRssBytes } from '../lib/memory.js';
import { benchOptions } from '../lib/options.js';
import { treeCpuSeconds } from '../lib/proc.js';
import { formatCount, formatMegabytes, formatMs, formatRatio, megabytes, printTable, printVerdicts, type Verdict } from '../lib/report.js';
import { percentile } from '../lib/stats.js';
import { hasCommand } from '../../test/helpers/run.js';
import { startNamed } from '../../test/dns/named.js';
import { dnsperf, queryFile, type PerfResult } from './dnsperf.js';

const MEMORY_CEILING = megabytes(150);

const USAGE = `Usage: node dist/bench/dns/main.js [--seconds 10] [--rate 20000]

Starts wirelab's DNS (wirelab up, its own process) and, when installed, BIND 9 with the same st.um
zone; runs dnsperf with a mixed query file (A, CNAME, MX, SRV, NXDOMAIN) against each: for --seconds
at full load (queries/s), then for --seconds paced at --rate q/s (lost queries, latency percentiles).
Prints CPU time per query, peak memory, and wirelab/BIND. For scale it measures a Node UDP loop that
only sets the QR bit of each query (the most any Node server can do here). Needs dnsperf.`;

interface Measured {
  full: PerfResult;
  paced: PerfResult;
  cpuMicrosPerQuery: number;
  peakRss: number | undefined;
}

async function measure(port: number, pid: number, file: string, seconds: number, rate: number): Promise<Measured> {
  const cpuBefore = await treeCpuSeconds(pid);
  const full = await dnsperf(port, file, seconds);
  const cpuFull = (await treeCpuSeconds(pid)) - cpuBefore;
  // What the full-load run left queued in the server's socket buffer would count as latency here.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const paced = await dnsperf(port, file, seconds, rate);
  return { full, paced, cpuMicrosPerQuery: (cpuFull * 1e6) / Math.max(1, full.completed), peakRss: await peakRssBytes(pid) };
}

function row(name: string, m: Measured): string[] {
  const l = m.paced.latenciesMs;
  return [
    name,
    formatCount(m.full.qps),
    `${m.cpuMicrosPerQuery.toFixed(1)} µs`,
    `${formatCount(m.paced.qps)}: ${m.paced.lost} lost`,
    formatMs(percentile(l, 50)),
    formatMs(percentile(l, 99)),
    formatMs(percentile(l, 99.9)),
    formatMegabytes(m.peakRss),
  ];
}

async function main(): Promise<void> {
  const { seconds, rate } = benchOptions(USAGE, { seconds: { default: 10, min: 1, max: 600 }, rate: { default: 20_000, min: 100, max: 1_000_000 } });
  if (!hasCommand('dnsperf')) throw new Error('bench/dns needs dnsperf: apt-get install dnsperf');
  const work = await mkdtemp(join(tmpdir(), 'wirelab-bench-dns-'));
  const file = join(work, 'queries.txt');
  await writeFile(file, queryFile());
  const config = parseYaml(DEMO_CONFIG_YAML) as LabConfigInput;
  config.services = { dns: { host: 'st.um', port: 0 } };
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  print(`DNS bench: ${seconds} s at full load, then ${seconds} s at ${formatCount(rate)} q/s; mixed A/CNAME/MX/SRV/NXDOMAIN; load average ${loadavg()[0]?.toFixed(1)} on this machine`);
  try {
    const lab = await startLabProcess({ configYaml: stringifyYaml(config), logLevel: 'warn' });
    let ours: Measured;
    let zoneText: string;
    try {
      const { port } = lab.endpoint('dns');
      zoneText = writeZoneFile(Zone.build('st.um', await pullZone({ address: '127.0.0.1', port }, 'st.um', '127.0.0.1')));
      ours = await measure(port, lab.pid, file, seconds, rate);
      rows.push(row('wirelab (tap on)', ours));
    } finally {
      await lab.stop();
    }
    let bind: Measured | undefined;
    if (hasCommand('named')) {
      const named = await startNamed({ address: '127.0.0.1', zones: 'zone "st.um" { type primary; file "db.st.um"; };', files: { 'db.st.um': zoneText } });
      try {
        bind = await measure(named.port, named.pid, file, seconds, rate);
        rows.push(row('BIND 9 (default, recursion off)', bind));
      } finally {
        await named.stop();
      }
    }
    const ceiling = await startEchoResponder();
    try {
      rows.push(row('Node ceiling (echo, no DNS work)', await measure(ceiling.port, ceiling.pid, file, seconds, rate)));
    } finally {
      await ceiling.stop();
    }
    printTable(print, ['SERVER', 'Q/S FULL LOAD', 'CPU/QUERY', `PACED Q/S`, 'P50', 'P99', 'P99.9', 'PEAK RSS'], rows);
    verdicts.push({
      goal: 'at least BIND\'s queries/s',
      met: bind ? ours.full.qps >= bind.full.qps : undefined,
      detail: bind ? `${formatCount(ours.full.qps)} vs ${formatCount(bind.full.qps)} q/s (${formatRatio(ours.full.qps, bind.full.qps)})` : 'BIND not installed (apt-get install bind9)',
    });
    verdicts.push({ goal: `no lost queries at ${formatCount(rate)} q/s`, met: ours.paced.lost === 0 && ours.paced.qps >= rate * 0.98, detail: `${ours.paced.lost} lost of ${formatCount(ours.paced.sent)} at ${formatCount(ours.paced.qps)} q/s` });
    verdicts.push({ goal: 'peak memory under 150 MB', met: ours.peakRss === undefined ? undefined : ours.peakRss < MEMORY_CEILING, detail: formatMegabytes(ours.peakRss) });
    printVerdicts(print, verdicts);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** bench/dns/echo-responder.js in its own process: what a Node UDP loop does with no DNS work at all. */
async function startEchoResponder(): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./echo-responder.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const { port } = JSON.parse(line.toString()) as { port: number };
  return {
    port,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
