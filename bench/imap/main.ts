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
import { PeakSampler, treeRssBytes } from '../lib/memory.js';
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
  /** Every measured pass's rate, in order: the first ones after the warm-up show what it left to do. */
  passRates: number[];
  /** Server CPU seconds per measured FETCH pass (the mean over the passes). */
  fetchCpu: number;
  login: LoginRun;
  peakBytes: number | undefined;
}

const USAGE = `Usage: node dist/bench/imap/main.js [--messages 2000] [--clients 4] [--warmup 3] [--passes 5] [--rounds 100]

Puts --messages messages (about 16 KB each) in one mailbox; --clients clients SELECT it and FETCH BODY[]
every message (batches of 250) at once, --warmup passes first (the first one sets \\Seen; the JIT of
wirelab and of this bench's own client warms up); the median of --passes passes counts.
Then each client does connect + LOGIN + SELECT + LOGOUT --rounds times. Prints messages/s, the server's
CPU time per message and peak memory for wirelab, for wirelab with its transcript store detached, and,
when dovecot-imapd is installed (run as root), for Dovecot in the same run.`;

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

/** The same three steps for either server: warm-up passes (UIDs, \Seen, JIT), the measured FETCH passes, then login churn. */
async function measure(port: number, cpuSeconds: () => Promise<number>): Promise<Omit<Figures, 'peakBytes'>> {
  for (let pass = 0; pass < warmup; pass += 1) await fetchAll(port, clients, USER, PASSWORD, count);
  // One pass takes well under a second; the median of several is what a busy machine cannot sway much.
  const runs: FetchRun[] = [];
  const before = await cpuSeconds();
  for (let pass = 0; pass < passes; pass += 1) runs.push(await fetchAll(port, clients, USER, PASSWORD, count));
  const fetchCpu = ((await cpuSeconds()) - before) / passes;
  const passRates = runs.map((run) => run.messages / run.seconds);
  const fetch = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(passes / 2)]!;
  const login = await loginSelectLogout(port, clients, USER, PASSWORD, rounds);
  return { fetch, passRates, fetchCpu, login };
}

const labYaml = `domains:
  - { name: st.um, mailHost: st.um }
hosts:
  - { name: st.um, address: 127.0.0.1 }
users:
  - { address: ${USER}@st.um, password: ${PASSWORD} }
services:
  imap: { host: st.um, port: 0 }
`;

print(`bench/imap: ${clients} clients on one ${formatCount(count)}-message mailbox: FETCH BODY[] of every message (batches of 250; ${warmup} warm-up passes, then the median of ${passes}), then ${rounds} × connect+LOGIN+SELECT+LOGOUT each`);
const lab = await startLabProcess({ configYaml: labYaml, logLevel: 'warn' });
let ours: Figures;
try {
  const octets = await writeBenchMaildir(lab.dataDir.maildirOf(`${USER}@st.um`), count);
  print(`  mailbox: ${formatCount(count)} messages, ${formatMegabytes(octets)} (1.5-31.5 KB each)`);
  const figures = await measure(lab.endpoint('imap').port, () => lab.cpuSeconds());
  ours = { ...figures, peakBytes: await lab.peakRssBytes() };
} finally {
  await lab.stop().catch((err: unknown) => print(`  (stopping the lab: ${(err as Error).message})`));
}

// The same lab with the transcript store detached: what the IMAP engine costs without the tap recording every byte.
const untapped = await startUntappedLab(labYaml, async (dataDir) => void (await writeBenchMaildir(dataDir.maildirOf(`${USER}@st.um`), count)));
let bare: Figures;
try {
  const figures = await measure(untapped.port, () => untapped.cpuSeconds());
  bare = { ...figures, peakBytes: await untapped.peakRssBytes() };
} finally {
  await untapped.stop();
}

let theirs: Figures | undefined;
if (dovecotInstalled()) {
  const source = await mkdtemp(join(tmpdir(), 'wirelab-bench-imap-source-'));
  const mailRoot = await mkdtemp(join(tmpdir(), 'wirelab-bench-imap-dovecot-'));
  try {
    // Dovecot gets the same messages under fresh file names, never the files wirelab has renamed.
    await writeBenchMaildir(join(source, 'Maildir'), count);
    await linkBenchMaildir(join(source, 'Maildir'), join(mailRoot, USER, 'Maildir'));
    await giveToMailUser(mailRoot);
    const dovecot = await startDovecot({ users: [{ name: USER, password: PASSWORD }], listen: { imap: true }, mailRoot });
    try {
      const sampler = new PeakSampler(() => treeRssBytes(dovecot.pid), 100);
      sampler.start();
      const figures = await measure(dovecot.ports.imap!, () => treeCpuSeconds(dovecot.pid));
      theirs = { ...figures, peakBytes: await sampler.stop() };
    } finally {
      await dovecot.stop();
    }
  } finally {
    await rm(source, { recursive: true, force: true });
    await rm(mailRoot, { recursive: true, force: true });
  }
} else {
  print('  Dovecot not installed (apt-get install dovecot-imapd): wirelab figures only');
}

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
