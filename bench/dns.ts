/**
 * bench/dns — dnsperf against wirelab's authoritative st.um, beside BIND 9 serving the same zone in the
 * same run (when installed). Prints queries/s at full load, latency percentiles and lost queries at a
 * fixed 20,000 q/s, wirelab's peak memory, and the ratio to BIND.
 *
 *   npm run build && node dist/bench/dns.js [--seconds 10] [--rate 20000]
 *
 * The lab runs as `wirelab up` runs it: transcript store subscribed to the tap.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pullZone } from '../src/dns/transfer/zone-transfer.js';
import { Zone } from '../src/dns/zone/zone.js';
import { writeZoneFile } from '../src/dns/zone/zone-writer.js';
import { configFrom } from '../src/lab/config.js';
import { startLab } from '../src/lab/lab.js';
import { hasCommand } from '../test/helpers/run.js';
import { startNamed } from '../test/dns/named.js';

interface PerfResult {
  sent: number;
  completed: number;
  lost: number;
  qps: number;
  avgMs: number;
  percentilesMs?: { p50: number; p90: number; p99: number; p999: number; max: number };
}

/** The mixed query file: A (CNAME chains too), CNAME, MX, SRV and NXDOMAIN questions. */
function queryFile(): string {
  const lines: string[] = [];
  for (let i = 0; i < 200; i += 1) {
    lines.push(['www.st.um A', 'st.um A', 'ns1.st.um A', 'mail.st.um A', 'www2.st.um A', 'ns2.st.um A'][i % 6] as string);
    lines.push(['smtp.st.um CNAME', 'pop3.st.um CNAME'][i % 2] as string);
    lines.push('st.um MX');
    lines.push(['_imap._tcp.st.um SRV', '_submission._tcp.st.um SRV'][i % 2] as string);
    lines.push(`nx-${i}.st.um A`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs dnsperf; with `verbose`, reads every query's latency from its output to compute percentiles. */
function dnsperf(port: number, file: string, seconds: number, rate: number | undefined): Promise<PerfResult> {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '8', '-q', '500', '-t', '2'];
  if (rate) args.push('-Q', String(rate), '-v');
  return new Promise((resolve, reject) => {
    const child = spawn('dnsperf', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const latencies: number[] = [];
    let summary = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('latin1');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('> ')) {
          const seconds = Number(line.slice(line.lastIndexOf(' ') + 1));
          if (Number.isFinite(seconds)) latencies.push(seconds * 1000);
        } else summary += `${line}\n`;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (summary += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => {
      const number = (label: string): number => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(summary)?.[1] ?? NaN);
      const result: PerfResult = {
        sent: number('Queries sent'),
        completed: number('Queries completed'),
        lost: number('Queries lost'),
        qps: number('Queries per second'),
        avgMs: number('Average Latency \\(s\\)') * 1000,
      };
      if (latencies.length > 0) {
        latencies.sort((a, b) => a - b);
        const at = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] as number;
        result.percentilesMs = { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: latencies[latencies.length - 1] as number };
      }
      if (Number.isNaN(result.qps)) reject(new Error(`dnsperf said:\n${summary}`));
      else resolve(result);
    });
  });
}

function describe(name: string, full: PerfResult, paced: PerfResult): string[] {
  const p = paced.percentilesMs;
  const f = (n: number): string => n.toFixed(3);
  return [
    `${name}`,
    `  full load : ${Math.round(full.qps).toLocaleString('en')} q/s, ${full.completed.toLocaleString('en')} answered, ${full.lost} lost, average ${f(full.avgMs)} ms`,
    `  at ${Math.round(paced.qps).toLocaleString('en')} q/s: ${paced.lost} lost of ${paced.sent.toLocaleString('en')}` +
      (p ? `, latency p50 ${f(p.p50)} ms, p90 ${f(p.p90)} ms, p99 ${f(p.p99)} ms, p99.9 ${f(p.p999)} ms, max ${f(p.max)} ms` : ''),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rate: { type: 'string', default: '20000' } } });
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  if (!hasCommand('dnsperf')) {
    process.stderr.write('bench/dns needs dnsperf (apt-get install dnsperf)\n');
    process.exitCode = 2;
    return;
  }
  const work = await mkdtemp(join(tmpdir(), 'wirelab-bench-dns-'));
  const file = join(work, 'queries.txt');
  await writeFile(file, queryFile());
  const config = configFrom({ services: { dns: { host: 'st.um', enabled: true } } });
  const lab = await startLab({ config, dataDir: join(work, 'data'), ephemeralPorts: true, logLevel: 'silent' });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const out: string[] = [];
  try {
    const port = lab.endpoint('dns').port;
    process.stderr.write(`wirelab DNS on 127.0.0.1#${port}: ${seconds} s at full load, then ${seconds} s at ${rate} q/s…\n`);
    const ours = { full: await dnsperf(port, file, seconds, undefined), paced: await dnsperf(port, file, seconds, rate) };
    clearInterval(sampler);
    out.push(...describe('wirelab (Node, tap on)', ours.full, ours.paced));
    out.push(`  peak memory: ${(peakRss / 1024 / 1024).toFixed(0)} MB RSS`);

    if (hasCommand('named')) {
      const records = await pullZone({ address: '127.0.0.1', port }, 'st.um', '127.0.0.1');
      const named = await startNamed({ address: '127.0.0.1', zones: 'zone "st.um" { type primary; file "db.st.um"; };', files: { 'db.st.um': writeZoneFile(Zone.build('st.um', records)) } });
      try {
        process.stderr.write(`BIND on 127.0.0.1#${named.port}, the same zone and queries…\n`);
        const bind = { full: await dnsperf(named.port, file, seconds, undefined), paced: await dnsperf(named.port, file, seconds, rate) };
        out.push(...describe('BIND 9 (default configuration, recursion off)', bind.full, bind.paced));
        out.push(`ratio wirelab / BIND at full load: ${(ours.full.qps / bind.full.qps).toFixed(2)}`);
      } finally {
        await named.stop();
      }
    } else {
      out.push('BIND 9: not installed (apt-get install bind9) — no peer figure in this run');
    }
  } finally {
    clearInterval(sampler);
    await lab.stop();
    await rm(work, { recursive: true, force: true });
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
