import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, spawnLab, waitForExit, type LabProcess } from '../helpers/lab-process.js';
import { run } from '../helpers/run.js';
import { RawSmtp } from '../helpers/smtp-client.js';

const wirelab = (args: string[], input?: string): ReturnType<typeof run> => run(process.execPath, [CLI, ...args], { timeoutMs: 30_000, ...(input !== undefined ? { input } : {}) });

describe('the wirelab command', () => {
  let root: string;
  let config: string;
  let data: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'wirelab-cli-'));
    config = join(root, 'lab.yaml');
    data = join(root, 'data');
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('init writes the commented demo config, and refuses to overwrite it', async () => {
    const first = await wirelab(['init', config]);
    assert.equal(first.code, 0, first.stderr);
    const text = await readFile(config, 'utf8');
    assert.match(text, /# the seed's LOCAL_NETWORK/);
    const second = await wirelab(['init', config]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /already exists; pass --force/);
  });

  it('a bad config stops with a message naming the key, and no stack trace', async () => {
    const bad = join(root, 'bad.yaml');
    await writeFile(bad, (await readFile(config, 'utf8')).replace('maxRecipients: 100', 'maxRecipients: lots'));
    const res = await wirelab(['up', '--config', bad, '--data', data]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /mail\.maxRecipients: got "lots" — expected a number/);
    assert.doesNotMatch(res.stderr, /\n\s+at /);
  });

  it('bad flags and unknown commands are explained', async () => {
    const res = await wirelab(['up', '--port-offset', 'ten']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /--port-offset ten: expected a whole number/);
    const unknown = await wirelab(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const flag = await wirelab(['status', '--colour']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Unknown option '--colour'/);
  });

  it('users add/list/passwd/del keep only scrypt hashes', async () => {
    const add = await wirelab(['users', 'add', 'alice@st.um', '--data', data], 's3cret-Pass\n');
    assert.equal(add.code, 0, add.stderr);
    const list = await wirelab(['users', 'list', '--data', data]);
    assert.match(list.stdout, /alice@st\.um/);
    const file = await readFile(join(data, 'directory', 'users.json'), 'utf8');
    assert.doesNotMatch(file, /s3cret-Pass/);
    assert.match(file, /"hash": "scrypt\$16384\$8\$1\$/);
    assert.equal((await wirelab(['users', 'add', 'alice@st.um', '--data', data, '--password', 'x'])).code, 1);
    assert.match((await wirelab(['users', 'add', 'bob@elsewhere.example', '--data', data, '--password', 'x'])).stderr, /one of the lab's domains \(st\.um, um\.es\)/);
    assert.equal((await wirelab(['users', 'passwd', 'alice@st.um', '--data', data, '--password', 'n3w'])).code, 0);
    assert.equal((await wirelab(['users', 'del', 'alice@st.um', '--data', data])).code, 0);
    assert.match((await wirelab(['users', 'del', 'alice@st.um', '--data', data])).stderr, /no user alice@st\.um/);
  });

  describe('against a running lab', () => {
    let lab: LabProcess;
    const offset = String(30000 + Math.floor(Math.random() * 20000));
    before(async () => {
      lab = await spawnLab(['--data', data, '--port-offset', offset, '--log-level', 'warn']);
    });
    after(async () => {
      lab.child.kill('SIGTERM');
      await waitForExit(lab.child);
    });

    it('up printed what runs where and the demo accounts', () => {
      assert.match(lab.output(), /smtp\s+st\.um\s+127\.0\.0\.1:\d+\/tcp/);
      assert.match(lab.output(), /Demo accounts \(password "password"\): user1@st\.um, user2@st\.um, user3@um\.es/);
      assert.match(lab.output(), /Console \(every conversation, live\): http:\/\/127\.0\.0\.1:\d+\//);
    });

    it('status lists the services; test probes them all', async () => {
      const status = await wirelab(['status', '--data', data]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /smtp\s+smtp\s+st\.um\s+127\.0\.0\.1:\d+\/tcp\s+running/);
      const test = await wirelab(['test', '--data', data, '--port-offset', offset]);
      assert.equal(test.code, 0, test.stdout + test.stderr);
      assert.match(test.stdout, /all \d+ services answered/);
    });

    it('trace follows a conversation live, the seeds\' way, and stops on Ctrl-C', async () => {
      const trace = spawn(process.execPath, [CLI, 'trace', '--data', data, '--service', 'smtp'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      trace.stdout.on('data', (c: Buffer) => (out += c.toString()));
      trace.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const until = async (test: () => boolean, what: string): Promise<void> => {
        for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(test(), `${what}; stdout: ${out} stderr: ${err}`);
      };
      try {
        await until(() => err.includes('following conversations'), 'trace did not start');
        const { client } = await RawSmtp.connect(lab.ports.get('smtp')!);
        await client.send('HELO st.um');
        await client.send('QUIT');
        client.close();
        await until(() => out.includes('S: 221 2.0.0 Bye'), 'trace did not show the conversation');
        assert.match(out, /S: 220 st\.um ESMTP wirelab/);
        assert.match(out, /C: HELO st\.um/);
        trace.kill('SIGINT');
        assert.equal(await waitForExit(trace), 0);
      } finally {
        trace.kill('SIGKILL');
      }
    });

    it('queue list reads the outbound queue like postqueue -p', async () => {
      const res = await wirelab(['queue', 'list', '--data', data]);
      assert.equal(res.code, 0);
      assert.match(res.stdout, /Mail queue is empty|Kbytes in/);
    });

    it('a second lab on the same ports is refused with the fix in the message', async () => {
      const res = await wirelab(['up', '--data', join(root, 'other'), '--port-offset', offset]);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /already in use .* --port-offset/);
    });
  });

  it('SIGTERM stops the lab with exit 0 and removes its run file', async () => {
    const lab = await spawnLab(['--data', data, '--port-offset', String(30000 + Math.floor(Math.random() * 20000)), '--log-level', 'warn']);
    lab.child.kill('SIGTERM');
    assert.equal(await waitForExit(lab.child), 0);
    const status = await wirelab(['status', '--data', data]);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /no lab running/);
  });
});
