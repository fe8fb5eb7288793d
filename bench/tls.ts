/**
 * bench/tls: TLS handshakes per second and IMAPS FETCH throughput, wirelab beside Dovecot in the
 * same run (when Dovecot is installed and this runs as root), both with the lab's ECDSA P-256
 * certificate, so both do the same cryptography.
 *
 *   npm run build && node dist/bench/tls.js [--seconds 5] [--clients 2] [--repeat 3] [--messages 100] [--size 102400] [--rounds 5]
 *
 * Handshakes are counted by `openssl s_time -new` (full handshakes, no resumption), `--clients`
 * processes at once; FETCH by bench/tls-client.ts in its own process. The lab runs as its own
 * process (`wirelab up`), as Dovecot does. All servers run side by side and are measured in turn,
 * `--repeat` times, and the median is reported, so load from elsewhere on the machine falls on all alike.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEMO_CONFIG_YAML } from '../src/lab/demo-config.js';
import { PkiPaths } from '../src/pki/pki-paths.js';
import { hasCommand, run } from '../test/helpers/run.js';
import { startLabProcess } from './lib/lab-process.js';
import { benchOptions } from './lib/options.js';
import { formatRatio, printTable, printVerdicts, type Verdict } from './lib/report.js';
import { treeCpuSeconds } from './lib/proc.js';
import { percentile } from './lib/stats.js';
import { buildMessage } from './smtp/message.js';
import { giveToMailUser, startDovecot, type DovecotLoginMode } from '../test/helpers/dovecot.js';

const CLIENT = fileURLToPath(new URL('./tls-client.js', import.meta.url));
const USER = 'user1@st.um';
const PASSWORD = 'password';

const USAGE = `Usage: node dist/bench/tls.js [--seconds 5] [--clients 2] [--repeat 3] [--messages 100] [--size 102400] [--rounds 5]

Full TLS handshakes per second on IMAPS (openssl s_time -new, --clients at once, --seconds each,
median of --repeat), the server's CPU time per handshake, and FETCH 1:* BODY.PEEK[] throughput over
TLS (--messages of --size bytes, --rounds rounds), for the lab and, with dovecot-imapd installed (as
root), for Dovecot in its default and high-performance login modes.`;

const options = benchOptions(USAGE, {
  seconds: { default: 5, min: 1, max: 600 },
  clients: { default: 2, min: 1, max: 64 },
  repeat: { default: 3, min: 1, max: 20 },
  messages: { default: 100, min: 1, max: 10_000 },
  size: { default: 102_400, min: 100, max: 50 * 1024 * 1024 },
  rounds: { default: 5, min: 1, max: 100 },
});
const { seconds, clients, repeat, size: messageSize, rounds } = options;
const messageCount = options.messages;
const print = (line: string): void => void process.stdout.write(`${line}\n`);

interface Target {
  server: string;
  /** The process whose tree does the server's work. */
  pid: number;
  port: number;
  handshakes: number[];
  cpuMsPerHandshake: number[];
  fetches: number[];
}

interface Figures {
  server: string;
  handshakesPerSecond: number;
  cpuMsPerHandshake: number;
  fetchMegabytesPerSecond: number;
}

/**
 * Full TLS handshakes per second from `clients` parallel `openssl s_time -new` runs, and the server's
 * CPU time per handshake (every process of its tree): the figure that other load on the machine
 * does not change.
 */
async function measureHandshakes(target: Target): Promise<void> {
  const cpuBefore = await treeCpuSeconds(target.pid);
  const port = target.port;
  const runs = await Promise.all(
    Array.from({ length: clients }, () =>
      run('openssl', ['s_time', '-connect', `127.0.0.1:${port}`, '-new', '-time', String(seconds)], { timeoutMs: (seconds + 60) * 1000 }),
    ),
  );
  const cpu = (await treeCpuSeconds(target.pid)) - cpuBefore;
  let rate = 0;
  let connections = 0;
  for (const result of runs) {
    const match = /(\d+) connections in (\d+) real seconds/.exec(result.stdout);
    if (!match) throw new Error(`openssl s_time gave no figure:\n${result.stdout}${result.stderr}`);
    rate += Number(match[1]) / Number(match[2]);
    connections += Number(match[1]);
  }
  target.handshakes.push(rate);
  target.cpuMsPerHandshake.push((cpu * 1000) / connections);
}

/** Megabytes (10^6 bytes) per second of FETCH 1:* BODY.PEEK[] over IMAPS, measured by the client process. */
async function fetchMegabytesPerSecond(port: number, caFile: string): Promise<number> {
  const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [CLIENT, String(port), caFile, USER, PASSWORD, String(rounds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
  if (result.code !== 0) throw new Error(`the FETCH client failed: ${result.err}`);
  const { bytes, seconds: elapsed } = JSON.parse(result.out) as { bytes: number; seconds: number };
  if (bytes < messageCount * messageSize * rounds) throw new Error(`FETCH brought ${bytes} bytes, fewer than the ${messageCount} messages hold`);
  return bytes / elapsed / 1e6;
}

/** The same messages, byte for byte, in a Maildir's new/. */
async function fillMaildir(maildir: string): Promise<void> {
  for (const sub of ['new', 'cur', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
  const wire = buildMessage(messageSize, USER, USER).wire;
  const message = wire.subarray(0, wire.length - 3); // without the final ".\r\n"
  for (let i = 0; i < messageCount; i++) {
    await writeFile(join(maildir, 'new', `1767225600.M${i}P1.bench,S=${message.length}`), message);
  }
}

async function main(): Promise<void> {
  if (!hasCommand('openssl')) throw new Error('openssl is needed (apt-get install openssl)');
  const config = parseYaml(DEMO_CONFIG_YAML) as { services: Record<string, unknown> };
  config.services = { imaps: { host: 'st.um', port: 0 } };
  const lab = await startLabProcess({ configYaml: stringifyYaml(config) });
  const stops: (() => Promise<void>)[] = [() => lab.stop()];
  const pki = new PkiPaths(lab.dataDir);
  const targets: Target[] = [];
  try {
    await fillMaildir(lab.dataDir.maildirOf(USER));
    targets.push({ server: 'wirelab', pid: lab.pid, port: lab.endpoint('imaps').port, handshakes: [], cpuMsPerHandshake: [], fetches: [] });
    if (hasCommand('dovecot') && process.getuid?.() === 0) {
      for (const mode of ['high-security', 'high-performance'] as DovecotLoginMode[]) {
        const dovecot = await startDovecot({ users: [{ name: USER, password: PASSWORD }], listen: { imaps: true }, tls: { cert: pki.hostCert('st.um'), key: pki.hostKey('st.um') }, loginMode: mode });
        stops.push(() => dovecot.stop());
        await fillMaildir(dovecot.maildirOf(USER));
        await giveToMailUser(join(dovecot.maildirOf(USER), '..'));
        targets.push({ server: `Dovecot ${mode}`, pid: dovecot.pid, port: dovecot.ports.imaps!, handshakes: [], cpuMsPerHandshake: [], fetches: [] });
      }
    } else {
      print('Dovecot not measured: it needs dovecot-imapd installed and root (apt-get install dovecot-imapd).');
    }
    print(`bench/tls: ${clients} clients × ${seconds} s of full handshakes; FETCH 1:* BODY.PEEK[] of ${messageCount} × ${messageSize} B, ${rounds} rounds; medians of ${repeat} turns`);
    for (let turn = 0; turn < repeat; turn++) {
      for (const target of targets) {
        await measureHandshakes(target);
        target.fetches.push(await fetchMegabytesPerSecond(target.port, pki.caCert));
      }
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
  for (const t of targets) {
    print(`  ${t.server}: handshakes/s by turn ${t.handshakes.map((n) => n.toFixed(0)).join(', ')}; CPU ms/handshake ${t.cpuMsPerHandshake.map((n) => n.toFixed(2)).join(', ')}; FETCH MB/s ${t.fetches.map((n) => n.toFixed(1)).join(', ')}`);
  }
  const figures: Figures[] = targets.map((t) => ({
    server: t.server,
    handshakesPerSecond: percentile(t.handshakes, 50)!,
    cpuMsPerHandshake: percentile(t.cpuMsPerHandshake, 50)!,
    fetchMegabytesPerSecond: percentile(t.fetches, 50)!,
  }));

  const ours = figures[0]!;
  printTable(
    print,
    ['SERVER', 'HANDSHAKES/S', 'WIRELAB ÷ THIS', 'SERVER CPU MS/HANDSHAKE', 'IMAPS FETCH MB/S', 'WIRELAB ÷ THIS'],
    figures.map((f) => [
      f.server,
      f.handshakesPerSecond.toFixed(0),
      f === ours ? '' : formatRatio(ours.handshakesPerSecond, f.handshakesPerSecond),
      f.cpuMsPerHandshake.toFixed(2),
      f.fetchMegabytesPerSecond.toFixed(1),
      f === ours ? '' : formatRatio(ours.fetchMegabytesPerSecond, f.fetchMegabytesPerSecond),
    ]),
  );
  const verdicts: Verdict[] = figures.slice(1).map((peer) => ({
    goal: `handshakes/s at least 80% of ${peer.server}`,
    met: ours.handshakesPerSecond >= 0.8 * peer.handshakesPerSecond,
    detail: `${ours.handshakesPerSecond.toFixed(0)} vs ${peer.handshakesPerSecond.toFixed(0)} (${formatRatio(ours.handshakesPerSecond, peer.handshakesPerSecond)})`,
  }));
  if (verdicts.length === 0) verdicts.push({ goal: 'handshakes/s at least 80% of Dovecot', met: undefined, detail: 'Dovecot not measured' });
  printVerdicts(print, verdicts);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/tls: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
