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
import { medianRun, passesInTurn, sampledTreeMemory, stopAll, type Contender } from '../lib/contender.js';
import { benchOptions } from '../lib/options.js';
import { treeCpuSeconds } from '../lib/proc.js';
import { formatCount, formatMegabytes, formatRatio, megabytes, printTable, printVerdicts, type Verdict } from '../lib/report.js';
import { retrieveAll, type RetrieveRun } from './client.js';
import { linkBenchMaildir, writeBenchMaildir } from './mailbox.js';

const PASSWORD = 'password';

interface Figures {
  warm: RetrieveRun;
  measured: RetrieveRun;
  /** Server CPU seconds (every process and thread) per measured pass (the mean over the passes). */
  cpuSeconds: number;
  peakBytes: number | undefined;
}

const USAGE = `Usage: node dist/bench/pop3/main.js [--messages 2000] [--clients 4] [--passes 5]

Gives each of --clients POP3 clients its own maildrop of --messages messages (about 16 KB each) and
retrieves every message with RETR, one command at a time, on all clients at once. The servers run side
by side: each gets a first pass (every message gets its UID), then they take --passes passes in turn,
so a slow moment of the machine falls on all of them alike; the median pass counts. Prints RETR/s, the
server's CPU time per RETR and peak memory, for wirelab and, when dovecot-pop3d is installed (run as
root), for Dovecot.`;

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

async function startWirelab(): Promise<Contender> {
  const lab = await startLabProcess({ configYaml: labYaml, logLevel: 'warn' });
  try {
    const source = lab.dataDir.maildirOf(`${users[0]}@st.um`);
    const octets = await writeBenchMaildir(source, count);
    print(`  mailbox: ${formatCount(count)} messages, ${formatMegabytes(octets)} (1.5-31.5 KB each), hard-linked into every maildrop`);
    for (const user of users.slice(1)) await linkBenchMaildir(source, lab.dataDir.maildirOf(`${user}@st.um`));
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return { name: 'wirelab', port: lab.endpoint('pop3').port, cpuSeconds: () => lab.cpuSeconds(), watchMemory: (work) => work(), peakBytes: () => lab.peakRssBytes(), stop: () => lab.stop() };
}

async function startDovecotContender(): Promise<Contender> {
  const dovecot = await startDovecot({ users: users.map((name) => ({ name, password: PASSWORD })), listen: { pop3: true } });
  const fresh = await mkdtemp(join(tmpdir(), 'wirelab-bench-pop3-source-'));
  const stop = async (): Promise<void> => {
    await dovecot.stop();
    await rm(fresh, { recursive: true, force: true });
  };
  try {
    // Dovecot gets the same messages under fresh file names, never the files wirelab has renamed.
    const sourceCopy = join(fresh, 'Maildir');
    await writeBenchMaildir(sourceCopy, count);
    for (const user of users) await linkBenchMaildir(sourceCopy, dovecot.maildirOf(user));
    await dovecot.handOver();
  } catch (err) {
    await stop();
    throw err;
  }
  return { name: 'Dovecot', port: dovecot.ports.pop3!, cpuSeconds: () => treeCpuSeconds(dovecot.pid), ...sampledTreeMemory(dovecot.pid), stop };
}

print(`bench/pop3: ${users.length} clients, each RETR of ${formatCount(count)} messages (${users.length} maildrops), one command at a time; a first pass, then the median of ${values.passes} taken in turn`);
const contenders: Contender[] = [];
const results = new Map<Contender, Figures>();
try {
  contenders.push(await startWirelab());
  if (dovecotInstalled()) contenders.push(await startDovecotContender());
  else print('  Dovecot not installed (apt-get install dovecot-pop3d): wirelab figures only');
  // The first pass gives every message its UID (and moves it to cur/); the later ones are what a returning client sees.
  const warm = new Map<Contender, RetrieveRun>();
  for (const server of contenders) warm.set(server, await server.watchMemory(() => retrieveAll(server.port, users, PASSWORD, count)));
  const runs = await passesInTurn(contenders, values.passes, (server) => retrieveAll(server.port, users, PASSWORD, count));
  for (const server of contenders) {
    const mine = runs.get(server)!;
    results.set(server, {
      warm: warm.get(server)!,
      measured: medianRun(mine.runs),
      cpuSeconds: mine.cpuPerPass,
      peakBytes: await server.peakBytes(),
    });
  }
} finally {
  await stopAll(contenders, print);
}
const [ours, theirs] = contenders.map((c) => results.get(c)!) as [Figures, Figures | undefined];

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
