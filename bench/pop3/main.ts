/**
 * bench/pop3: POP3 RETR throughput for a 2,000-message mailbox with 4 parallel clients (each on its own
 * maildrop: POP3 locks a maildrop per session), and peak memory, for wirelab and, when installed,
 * Dovecot in the same run. Run: `npx tsc -p . && node dist/bench/pop3/main.js [--messages N] [--clients N]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dovecotInstalled, startDovecot } from '../../test/helpers/dovecot.js';
import { startLabProcess } from '../lib/lab-process.js';
import { PeakSampler, treeRssBytes } from '../lib/memory.js';
import { benchOptions } from '../lib/options.js';
import { treeCpuSeconds } from '../lib/proc.js';
import { formatCount, formatMegabytes, formatRatio, megabytes, printTable, printVerdicts, type Verdict } from '../lib/report.js';
import { retrieveAll, type RetrieveRun } from './client.js';
import { linkBenchMaildir, writeBenchMaildir } from './mailbox.js';

const PASSWORD = 'password';

interface Figures {
  warm: RetrieveRun;
  measured: RetrieveRun;
  /** Server CPU seconds (every process and thread) spent during the measured pass. */
  cpuSeconds: number;
  peakBytes: number | undefined;
}

const USAGE = `Usage: node dist/bench/pop3/main.js [--messages 2000] [--clients 4] [--passes 5]

Gives each of --clients POP3 clients its own maildrop of --messages messages (about 16 KB each) and
retrieves every message with RETR, one command at a time, on all clients at once (a first pass, then
the median of --passes): RETR/s, the server's
CPU time per RETR and peak memory, for wirelab and, when dovecot-pop3d is installed (run as root), for
Dovecot in the same run.`;

const values = benchOptions(USAGE, { messages: { default: 2000, min: 1, max: 100_000 }, clients: { default: 4, min: 1, max: 64 }, passes: { default: 5, min: 1, max: 50 } });
const count = values.messages;
const users = Array.from({ length: values.clients }, (_, i) => `bench${i + 1}`);
const print = (line: string): void => console.log(line);

const labYaml = `domains:
  - { name: st.um, mailHost: st.um }
hosts:
  - { name: st.um, address: 127.0.0.1 }
users:
${users.map((u) => `  - { address: ${u}@st.um, password: ${PASSWORD} }`).join('\n')}
services:
  pop3: { host: st.um, port: 0 }
`;

/** A pass takes about a second: the median of several is what a busy machine sways least. */
async function measuredPasses(port: number): Promise<RetrieveRun> {
  const runs: RetrieveRun[] = [];
  for (let pass = 0; pass < values.passes; pass += 1) runs.push(await retrieveAll(port, users, PASSWORD, count));
  return runs.sort((a, b) => a.seconds - b.seconds)[Math.floor(values.passes / 2)]!;
}

print(`bench/pop3: ${users.length} clients, each RETR of ${formatCount(count)} messages (${users.length} maildrops), one command at a time; median of ${values.passes} passes`);
const lab = await startLabProcess({ configYaml: labYaml, logLevel: 'warn' });
let ours: Figures;
try {
  const source = lab.dataDir.maildirOf(`${users[0]}@st.um`);
  const octets = await writeBenchMaildir(source, count);
  print(`  mailbox: ${formatCount(count)} messages, ${formatMegabytes(octets)} (1.5-31.5 KB each), hard-linked into every maildrop`);
  for (const user of users.slice(1)) await linkBenchMaildir(source, lab.dataDir.maildirOf(`${user}@st.um`));
  const port = lab.endpoint('pop3').port;
  // The first pass gives every message its UID (and moves it to cur/); the second is what a returning client sees.
  const warm = await retrieveAll(port, users, PASSWORD, count);
  const cpuBefore = await lab.cpuSeconds();
  const measured = await measuredPasses(port);
  ours = { warm, measured, cpuSeconds: ((await lab.cpuSeconds()) - cpuBefore) / values.passes, peakBytes: await lab.peakRssBytes() };
} finally {
  await lab.stop().catch((err: unknown) => print(`  (stopping the lab: ${(err as Error).message})`));
}

let theirs: Figures | undefined;
if (dovecotInstalled()) {
  const dovecot = await startDovecot({ users: users.map((name) => ({ name, password: PASSWORD })), listen: { pop3: true } });
  const dovecotPort = dovecot.ports.pop3!;
  try {
    // Dovecot gets the same messages under fresh file names, never the files wirelab has renamed.
    const fresh = await mkdtemp(join(tmpdir(), 'wirelab-bench-pop3-source-'));
    const sourceCopy = join(fresh, 'Maildir');
    await writeBenchMaildir(sourceCopy, count);
    for (const user of users) await linkBenchMaildir(sourceCopy, dovecot.maildirOf(user));
    await dovecot.handOver();
    const sampler = new PeakSampler(() => treeRssBytes(dovecot.pid), 100);
    sampler.start();
    const warm = await retrieveAll(dovecotPort, users, PASSWORD, count);
    const cpuBefore = await treeCpuSeconds(dovecot.pid);
    const measured = await measuredPasses(dovecotPort);
    theirs = { warm, measured, cpuSeconds: ((await treeCpuSeconds(dovecot.pid)) - cpuBefore) / values.passes, peakBytes: await sampler.stop() };
    await rm(fresh, { recursive: true, force: true });
  } finally {
    await dovecot.stop();
  }
} else {
  print('  Dovecot not installed (apt-get install dovecot-pop3d): wirelab figures only');
}

const rate = (run: RetrieveRun): number => run.messages / run.seconds;
const cpuPerRetr = (f: Figures): string => `${((f.cpuSeconds * 1e6) / f.measured.messages).toFixed(0)} µs`;
const row = (name: string, f: Figures): string[] => [
  name,
  formatCount(rate(f.warm)),
  formatCount(rate(f.measured)),
  formatMegabytes(f.measured.octets / f.measured.seconds),
  cpuPerRetr(f),
  formatMegabytes(f.peakBytes),
];
const rows = [row('wirelab', ours)];
if (theirs) {
  rows.push(row('Dovecot', theirs));
  rows.push(['ratio', formatRatio(rate(ours.warm), rate(theirs.warm)), formatRatio(rate(ours.measured), rate(theirs.measured)), '', formatRatio(ours.cpuSeconds, theirs.cpuSeconds), '']);
}
print('');
printTable(print, ['SERVER', 'RETR/s FIRST PASS', 'RETR/s', 'MB/s', 'CPU/RETR', 'PEAK MEMORY'], rows);
print('  (CPU/RETR: server CPU time, all processes and threads, per message in the measured pass — steadier than rates on a busy machine)');
print('  (peak memory: wirelab = the lab process VmHWM; Dovecot = highest sum of RSS over its processes, sampled every 100 ms)');
const verdicts: Verdict[] = [
  {
    goal: "RETR rate at least Dovecot's",
    met: theirs ? rate(ours.measured) >= rate(theirs.measured) : undefined,
    detail: theirs ? `${formatCount(rate(ours.measured))}/s vs ${formatCount(rate(theirs.measured))}/s` : 'Dovecot not installed',
  },
  {
    goal: 'peak memory under 200 MB',
    met: ours.peakBytes === undefined ? undefined : ours.peakBytes < megabytes(200),
    detail: formatMegabytes(ours.peakBytes),
  },
];
print('');
printVerdicts(print, verdicts);
