/**
 * bench/imap: for a 2,000-message mailbox and 4 parallel clients — FETCH BODY[] messages/s,
 * connect + LOGIN + SELECT + LOGOUT per second, and peak memory — for wirelab and, when installed,
 * Dovecot in the same run. Run: `npx tsc -p . && node dist/bench/imap/main.js [--messages N] [--clients N] [--rounds N] [--passes N]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dovecotInstalled, giveToMailUser, startDovecot } from '../../test/helpers/dovecot.js';
import { startLabProcess } from '../lib/lab-process.js';
import { medianRun, passesInTurn, sampledTreeMemory, stopAll, type Contender } from '../lib/contender.js';
import { benchOptions } from '../lib/options.js';
import { treeCpuSeconds } from '../lib/proc.js';
import { formatCount, formatMegabytes, formatRatio, megabytes, printTable, printVerdicts, type Verdict } from '../lib/report.js';
import { linkBenchMaildir, writeBenchMaildir } from '../pop3/mailbox.js';
import { fetchAll, loginSelectLogout, type FetchRun, type LoginRun } from './load.js';
import { startUntappedLab } from './untapped.js';

const USER = 'bench1';
const PASSWORD = 'password';

interface Figures {
  fetch: FetchRun;
  /** Every measured pass's rate, in order. */
  passRates: number[];
  /** Server CPU seconds per measured FETCH pass (the mean over the passes). */
  fetchCpu: number;
  login: LoginRun;
  peakBytes: number | undefined;
}

const USAGE = `Usage: node dist/bench/imap/main.js [--messages 2000] [--clients 4] [--warmup 3] [--passes 5] [--rounds 100]

Puts --messages messages (about 16 KB each) in one mailbox per server; --clients clients SELECT it and
FETCH BODY[] every message (batches of 250) at once. Every server gets --warmup passes first (the first
one sets \\Seen; the JIT of wirelab and of this bench's own client warms up), then --passes passes taken
in turn, one server after the other, so a slow moment of the machine falls on all of them alike; the
median pass counts. Then each client does connect + LOGIN + SELECT + LOGOUT --rounds times. Prints
messages/s, the server's CPU time per message and peak memory for wirelab, for wirelab with its
transcript store detached, and, when dovecot-imapd is installed (run as root), for Dovecot.`;

const values = benchOptions(USAGE, {
  messages: { default: 2000, min: 1, max: 100_000 },
  clients: { default: 4, min: 1, max: 64 },
  warmup: { default: 3, min: 1, max: 50 },
  passes: { default: 5, min: 1, max: 50 },
  rounds: { default: 100, min: 1, max: 10_000 },
});
const { clients, rounds, passes, warmup } = values;
const count = values.messages;
const print = (line: string): void => console.log(line);

const labYaml = `domains:
  - { name: st.um, mailHost: st.um }
hosts:
  - { name: st.um, address: 127.0.0.1 }
users:
  - { address: ${USER}@st.um, password: ${PASSWORD} }
services:
  imap: { host: st.um, port: 0 }
`;

async function startWirelab(): Promise<Contender> {
  const lab = await startLabProcess({ configYaml: labYaml, logLevel: 'warn' });
  try {
    const octets = await writeBenchMaildir(lab.dataDir.maildirOf(`${USER}@st.um`), count);
    print(`  mailbox: ${formatCount(count)} messages, ${formatMegabytes(octets)} (1.5-31.5 KB each)`);
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return { name: 'wirelab', port: lab.endpoint('imap').port, cpuSeconds: () => lab.cpuSeconds(), watchMemory: (work) => work(), peakBytes: () => lab.peakRssBytes(), stop: () => lab.stop() };
}

// The same lab with the transcript store detached: what the IMAP engine costs without the tap recording every byte.
async function startWirelabUntapped(): Promise<Contender> {
  const lab = await startUntappedLab(labYaml, async (dataDir) => void (await writeBenchMaildir(dataDir.maildirOf(`${USER}@st.um`), count)));
  return { name: 'wirelab, no tap', port: lab.port, cpuSeconds: () => lab.cpuSeconds(), watchMemory: (work) => work(), peakBytes: () => lab.peakRssBytes(), stop: () => lab.stop() };
}

async function startDovecotContender(): Promise<Contender> {
  const source = await mkdtemp(join(tmpdir(), 'wirelab-bench-imap-source-'));
  const mailRoot = await mkdtemp(join(tmpdir(), 'wirelab-bench-imap-dovecot-'));
  const removeFiles = async (): Promise<void> => {
    await rm(source, { recursive: true, force: true });
    await rm(mailRoot, { recursive: true, force: true });
  };
  try {
    // Dovecot gets the same messages under fresh file names, never the files wirelab has renamed.
    await writeBenchMaildir(join(source, 'Maildir'), count);
    await linkBenchMaildir(join(source, 'Maildir'), join(mailRoot, USER, 'Maildir'));
    await giveToMailUser(mailRoot);
    const dovecot = await startDovecot({ users: [{ name: USER, password: PASSWORD }], listen: { imap: true }, mailRoot });
    return {
      name: 'Dovecot',
      port: dovecot.ports.imap!,
      cpuSeconds: () => treeCpuSeconds(dovecot.pid),
      ...sampledTreeMemory(dovecot.pid),
      async stop() {
        await dovecot.stop();
        await removeFiles();
      },
    };
  } catch (err) {
    await removeFiles();
    throw err;
  }
}

print(`bench/imap: ${clients} clients on one ${formatCount(count)}-message mailbox: FETCH BODY[] of every message (batches of 250; ${warmup} warm-up passes, then the median of ${passes} taken in turn), then ${rounds} × connect+LOGIN+SELECT+LOGOUT each`);
const contenders: Contender[] = [];
const results = new Map<Contender, Figures>();
try {
  contenders.push(await startWirelab());
  contenders.push(await startWirelabUntapped());
  if (dovecotInstalled()) contenders.push(await startDovecotContender());
  else print('  Dovecot not installed (apt-get install dovecot-imapd): wirelab figures only');

  for (const server of contenders) {
    await server.watchMemory(async () => {
      for (let pass = 0; pass < warmup; pass += 1) await fetchAll(server.port, clients, USER, PASSWORD, count);
    });
  }
  const runs = await passesInTurn(contenders, passes, (server) => fetchAll(server.port, clients, USER, PASSWORD, count));
  for (const server of contenders) {
    const login = await server.watchMemory(() => loginSelectLogout(server.port, clients, USER, PASSWORD, rounds));
    const mine = runs.get(server)!;
    results.set(server, {
      fetch: medianRun(mine.runs),
      passRates: mine.runs.map((run) => run.messages / run.seconds),
      fetchCpu: mine.cpuPerPass,
      login,
      peakBytes: await server.peakBytes(),
    });
  }
} finally {
  await stopAll(contenders, print);
}
const [ours, bare, theirs] = contenders.map((c) => results.get(c)!) as [Figures, Figures, Figures | undefined];

const fetchRate = (f: Figures): number => f.fetch.messages / f.fetch.seconds;
const loginRate = (f: Figures): number => f.login.sessions / f.login.seconds;
const cpuPerFetch = (f: Figures): string => `${((f.fetchCpu * 1e6) / f.fetch.messages).toFixed(0)} µs`;
const row = (name: string, f: Figures): string[] => [
  name,
  formatCount(fetchRate(f)),
  formatMegabytes(f.fetch.octets / f.fetch.seconds),
  cpuPerFetch(f),
  formatCount(loginRate(f)),
  formatMegabytes(f.peakBytes),
];
const rows = [row('wirelab', ours), row('wirelab, no tap', bare)];
if (theirs) {
  rows.push(row('Dovecot', theirs));
  rows.push(['ratio', formatRatio(fetchRate(ours), fetchRate(theirs)), '', formatRatio(ours.fetchCpu, theirs.fetchCpu), formatRatio(loginRate(ours), loginRate(theirs)), '']);
}
print('');
printTable(print, ['SERVER', 'FETCH BODY[] msg/s', 'MB/s', 'CPU/MESSAGE', 'LOGIN+SELECT+LOGOUT/s', 'PEAK MEMORY'], rows);
const passLine = (name: string, f: Figures): string => `  ${name}: FETCH passes ${f.passRates.map(formatCount).join(', ')} msg/s (the median counts)`;
print(passLine('wirelab', ours));
print(passLine('wirelab, no tap', bare));
if (theirs) print(passLine('Dovecot', theirs));
print('  (CPU/MESSAGE: server CPU time, all processes and threads, per message in the measured FETCH pass)');
print('  (peak memory: wirelab = the lab process VmHWM; Dovecot = highest sum of RSS over its processes, sampled every 100 ms)');
print('  (wirelab, no tap: the same lab with its transcript store detached, so no conversation is recorded to memory or disk)');
const verdicts: Verdict[] = [
  {
    goal: "FETCH BODY[] rate at least Dovecot's",
    met: theirs ? fetchRate(ours) >= fetchRate(theirs) : undefined,
    detail: theirs ? `${formatCount(fetchRate(ours))}/s vs ${formatCount(fetchRate(theirs))}/s` : 'Dovecot not installed',
  },
  {
    goal: "login+SELECT+LOGOUT at least half of Dovecot's",
    met: theirs ? loginRate(ours) >= loginRate(theirs) / 2 : undefined,
    detail: theirs ? `${formatCount(loginRate(ours))}/s vs ${formatCount(loginRate(theirs))}/s` : 'Dovecot not installed',
  },
  {
    goal: 'peak memory under 200 MB',
    met: ours.peakBytes === undefined ? undefined : ours.peakBytes < megabytes(200),
    detail: formatMegabytes(ours.peakBytes),
  },
  {
    goal: "without the tap: FETCH BODY[] rate at least Dovecot's",
    met: theirs ? fetchRate(bare) >= fetchRate(theirs) : undefined,
    detail: theirs ? `${formatCount(fetchRate(bare))}/s vs ${formatCount(fetchRate(theirs))}/s` : 'Dovecot not installed',
  },
  {
    goal: 'without the tap: peak memory under 200 MB',
    met: bare.peakBytes === undefined ? undefined : bare.peakBytes < megabytes(200),
    detail: formatMegabytes(bare.peakBytes),
  },
];
print('');
printVerdicts(print, verdicts);
