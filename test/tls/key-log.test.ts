import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WirelabError } from '../../src/lab/errors.js';
import { startLab } from '../../src/lab/lab.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { waitForMessages } from '../helpers/maildir.js';
import { hasCommand, run } from '../helpers/run.js';
import { submit } from '../relay/helpers.js';

/** The secrets in a key log file, without its comment lines. */
async function secretsIn(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/** Waits (bounded) until every one of `lines` is in the lab's key log: it is written as the handshake goes. */
async function waitForSecrets(file: string, lines: string[]): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const logged = new Set(await secretsIn(file));
    const absent = lines.filter((line) => !logged.has(line));
    if (absent.length === 0 || Date.now() > deadline) return absent;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the TLS key log (wirelab up --tls-key-log)', { skip: hasCommand('openssl') ? false : 'openssl not installed' }, () => {
  let lab: TestLab;
  let dir: string;
  let keyLog: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-keylog-'));
    keyLog = join(dir, 'keys.log');
    lab = await startTestLab({
      tlsKeyLogFile: keyLog,
      edit: (config) => {
        config.services = { imap: { host: 'st.um' }, imaps: { host: 'st.um' }, pop3: { host: 'st.um' }, smtp: { host: 'st.um' } };
      },
    });
  });

  after(async () => {
    await lab?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds the same secrets as the client for implicit TLS and for STARTTLS in IMAP, POP3 and SMTP; only its owner reads it', async () => {
    const sessions = [
      { service: 'imaps', starttls: [], input: 'a LOGOUT\n' },
      { service: 'imap', starttls: ['-starttls', 'imap'], input: 'a LOGOUT\n' },
      { service: 'pop3', starttls: ['-starttls', 'pop3'], input: 'QUIT\n' },
      { service: 'smtp', starttls: ['-starttls', 'smtp'], input: 'QUIT\n' },
    ];
    for (const { service, starttls, input } of sessions) {
      const clientLog = join(dir, `${service}-client.log`);
      const result = await run('openssl', ['s_client', '-connect', `127.0.0.1:${lab.endpoint(service).port}`, ...starttls, '-servername', 'st.um', '-keylogfile', clientLog, '-crlf', '-ign_eof'], { input, timeoutMs: 20_000 });
      assert.equal(result.code, 0, `${service}: ${result.stderr}`);
      const clientSecrets = await secretsIn(clientLog);
      assert.ok(clientSecrets.some((line) => line.startsWith('CLIENT_TRAFFIC_SECRET_0 ')), `${service}: openssl logged the session's secrets`);
      assert.deepEqual(await waitForSecrets(keyLog, clientSecrets), [], `${service}: every secret the client logged is in the lab's key log`);
    }
    assert.equal((await stat(keyLog)).mode & 0o777, 0o600);
  });

  it('lets tshark decrypt a capture of an IMAPS session: the LOGIN and the answers are readable', async (t) => {
    if (!hasCommand('tshark')) return t.skip('tshark not installed');
    const port = lab.endpoint('imaps').port;
    const capture = join(dir, 'imaps.pcapng');
    const tshark = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', capture, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    const capturing = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      tshark.stderr.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (said.includes('Capturing on')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      tshark.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    const stopped = new Promise((resolve) => tshark.once('exit', resolve));
    if (!capturing) {
      tshark.kill('SIGKILL');
      await stopped;
      return t.skip(`tshark cannot capture on lo here: ${said.trim().split('\n').at(-1) ?? ''}`);
    }
    try {
      const result = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'st.um', '-crlf', '-quiet'], {
        input: 'a1 LOGIN user1 password\na2 LOGOUT\n',
        timeoutMs: 20_000,
      });
      assert.match(result.stdout, /^a2 OK/m);
      // dumpcap writes what it has when it stops; give the last segments a moment to be read from lo.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      tshark.kill('SIGINT');
      await stopped;
    }
    const decode = (keys: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      run('tshark', ['-r', capture, ...keys, '-d', `tcp.port==${port},tls`, '-d', `tls.port==${port},imap`, '-Y', 'imap', '-T', 'fields', '-e', 'imap.request', '-e', 'imap.response']);
    const decrypted = await decode(['-o', `tls.keylog_file:${keyLog}`]);
    assert.equal(decrypted.code, 0, decrypted.stderr);
    assert.match(decrypted.stdout, /a1 LOGIN user1 password/);
    assert.match(decrypted.stdout, /a2 OK Logout completed\./);
    const sealed = await decode([]);
    assert.doesNotMatch(sealed.stdout, /LOGIN/, 'without the key log the session stays encrypted');
  });
});

describe('the TLS key log of the whole demo lab', () => {
  it('holds both ends of a delivery between two lab domains: the agent of st.um and the SMTP server of um.es log the same secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wirelab-keylog-demo-'));
    const keyLog = join(dir, 'keys.log');
    const lab = await startTestLab({ tlsKeyLogFile: keyLog });
    try {
      const submission = lab.endpoint('submission');
      await submit({
        port: submission.port,
        address: submission.address,
        login: { user: 'user1@st.um', password: 'password' },
        from: 'user1@st.um',
        to: ['user3@um.es'],
        message: 'Subject: keys\n\nOver STARTTLS between the lab domains.\n',
      });
      assert.equal((await waitForMessages(lab.dataDir.maildirOf('user3@um.es'), 1, 15_000)).length, 1, 'the message reached um.es');
    } finally {
      await lab.dispose();
    }
    // Stopped: every line is in the file. Each secret of the hop st.um → mail.um.es is there twice, once from each end.
    const counts = new Map<string, number>();
    for (const line of await secretsIn(keyLog)) counts.set(line, (counts.get(line) ?? 0) + 1);
    const bothEnds = [...counts].filter(([line, n]) => line.startsWith('CLIENT_TRAFFIC_SECRET_0 ') && n === 2);
    assert.equal(bothEnds.length, 1, [...counts].map(([line, n]) => `${n} × ${line.slice(0, 40)}`).join('\n'));
    await rm(dir, { recursive: true, force: true });
  });
});

describe('a TLS key log that cannot be written', () => {
  it('stops the lab from starting, with a message that names the file and the fix', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wirelab-keylog-bad-'));
    try {
      await assert.rejects(
        startLab({ dataDir, ephemeralPorts: true, logLevel: 'silent', tlsKeyLogFile: join(dataDir, 'no-such-dir', 'keys.log') }),
        (err: unknown) => err instanceof WirelabError && /cannot write the TLS key log .*no-such-dir.*ENOENT.*directory you can write to/.test(err.message),
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
