import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataDir } from '../../src/lab/data-dir.js';
import { DeliveryRecords, freshRecord } from '../../src/mail/queue/delivery-state.js';
import { OutboundQueue } from '../../src/mail/queue/outbound-queue.js';
import { newQueueId } from '../../src/mail/queue-id.js';
import { CLI, spawnLab, waitForExit, type LabProcess } from '../helpers/lab-process.js';
import { maildirMessages } from '../helpers/maildir.js';
import { run } from '../helpers/run.js';
import { eventually, parseWithPython, submit } from '../relay/helpers.js';

function wirelab(args: string[]): ReturnType<typeof run> {
  return run(process.execPath, [CLI, ...args], { timeoutMs: 60_000 });
}

/** st.um with its delivery agent, and um.es with DNS but no mail server: mail to um.es waits. */
const CONFIG = `
domains:
  - { name: st.um, mailHost: st.um, nameServers: [st.um] }
  - { name: um.es, mailHost: um.es, nameServers: [um.es] }
hosts:
  - { name: st.um, address: 127.0.0.1, aliases: [mail.st.um] }
  - { name: um.es, address: 127.0.0.3, aliases: [mail.um.es] }
users:
  - { address: user1@st.um, password: password }
services:
  dns: { host: st.um, port: 0 }
  dns-umes: { host: um.es, kind: dns, port: 0 }
  submission: { host: st.um, port: 0 }
  delivery: { host: st.um }
`;

describe('wirelab queue', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'wirelab-queue-cli-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('on a data directory with no lab running', () => {
    let data: string;
    const ids: string[] = [];
    before(async () => {
      data = join(root, 'offline');
      const dirs = new DataDir(data);
      dirs.prepare();
      const queue = new OutboundQueue(dirs.queue);
      const records = new DeliveryRecords(dirs.queue);
      for (const to of ['far@um.es', 'other@example.org']) {
        const id = newQueueId();
        ids.push(id);
        const envelope = { id, from: 'user1@st.um', recipients: [to], receivedAt: new Date().toISOString(), host: 'st.um' };
        await queue.enqueue(envelope, Buffer.from(`Subject: to ${to}\r\n\r\nbody\r\n`));
        if (to === 'far@um.es') {
          const record = freshRecord({ ...envelope, size: 0 });
          const failure = { status: '4.4.1', text: 'connect to mail.um.es[127.0.0.3]:25: Connection refused' };
          record.recipients = [{ address: to, status: 'deferred', attempts: 3, lastAttemptAt: Date.now(), nextAttemptAt: Date.now() + 3_600_000, failure }];
          await records.save(record);
        }
      }
    });

    it('list: postqueue -p\'s layout, each deferred recipient under the reason of its last failure', async () => {
      const res = await wirelab(['queue', 'list', '--data', data]);
      assert.equal(res.code, 0, res.stderr);
      const lines = res.stdout.split('\n');
      assert.equal(lines[0], '-Queue ID-    --Size-- ----Arrival Time---- -Sender/Recipient-------');
      const at = lines.findIndex((l) => l.startsWith(ids[0]!));
      assert.match(lines[at]!, /^[0-9A-F]{12} +\d+ .+ user1@st\.um {2}\(at st\.um\)$/);
      assert.equal(lines[at + 1], '(connect to mail.um.es[127.0.0.3]:25: Connection refused)');
      assert.equal(lines[at + 2]!.trim(), 'far@um.es');
      assert.ok(lines.some((l) => l.trim() === 'other@example.org'));
      assert.match(res.stdout, /-- 1 Kbytes in 2 Requests\.\n$/);
    });

    it('show: the envelope, each recipient\'s state with its reason, and the message', async () => {
      const res = await wirelab(['queue', 'show', ids[0]!, '--data', data]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /sender: {6}<user1@st\.um>/);
      assert.match(res.stdout, /recipient: {3}<far@um\.es>\n {2}status: {4}deferred after 3 tries; next try /);
      assert.match(res.stdout, /reason: {4}4\.4\.1 connect to mail\.um\.es\[127\.0\.0\.3\]:25: Connection refused/);
      assert.match(res.stdout, /\*\*\* MESSAGE [0-9A-F]{12} \*\*\*\nSubject: to far@um\.es\n\nbody\n\*\*\* END OF MESSAGE/);
    });

    it('retry, bounce and delete work on the files directly when no agent runs; a wrong id is refused', async () => {
      const records = new DeliveryRecords(new DataDir(data).queue);
      const retry = await wirelab(['queue', 'retry', ids[0]!, '--data', data]);
      assert.equal(retry.code, 0, retry.stderr);
      assert.match(retry.stdout, /1 deferred recipient\(s\) will be tried now/);
      const retried = (await records.load(ids[0]!))?.recipients[0];
      assert.ok(retried?.status === 'deferred' && retried.nextAttemptAt <= Date.now());

      const bounce = await wirelab(['queue', 'bounce', ids[1]!, '--data', data]);
      assert.equal(bounce.code, 0, bounce.stderr);
      const bounced = (await records.load(ids[1]!))?.recipients[0];
      assert.ok(bounced?.status === 'bounced' && !bounced.notified, 'bounced, the notice left to the agent');

      const del = await wirelab(['queue', 'delete', ids[0]!, '--data', data]);
      assert.equal(del.code, 0, del.stderr);
      assert.equal(await records.load(ids[0]!), undefined);
      assert.equal((await wirelab(['queue', 'show', ids[0]!, '--data', data])).code, 1);
      assert.equal((await wirelab(['queue', 'delete', ids[0]!, '--data', data])).code, 1);
      const bad = await wirelab(['queue', 'show', '../../etc/passwd', '--data', data]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /is not a queue id/);
      assert.equal((await wirelab(['queue', 'frobnicate', '--data', data])).code, 2);
    });
  });

  describe('against a running lab: the delivery agent carries the requests out', () => {
    let lab: LabProcess;
    let data: string;
    before(async () => {
      const config = join(root, 'lab.yaml');
      await writeFile(config, CONFIG);
      data = join(root, 'online');
      lab = await spawnLab(['--config', config, '--data', data, '--log-level', 'warn']);
    });
    after(async () => {
      lab.child.kill('SIGTERM');
      await waitForExit(lab.child);
    });

    it('list shows why mail waits; flush retries now; bounce gives up and the sender gets the DSN', async () => {
      const id = await submit({
        port: lab.ports.get('submission')!,
        login: { user: 'user1@st.um', password: 'password' },
        from: 'user1@st.um',
        to: ['user3@um.es'],
        message: 'Subject: waiting for um.es\nMessage-ID: <cli-1@st.um>\n\nhello\n',
      });
      const records = new DeliveryRecords(new DataDir(data).queue);
      await eventually('the first try', async () => ((await records.load(id))?.recipients[0]?.status === 'deferred' ? true : undefined));
      const listed = await wirelab(['queue', 'list', '--data', data]);
      assert.match(listed.stdout, new RegExp(`${id} .* user1@st\\.um  \\(at st\\.um\\)\\n\\(connect to mail\\.um\\.es\\[127\\.0\\.0\\.3\\]: no SMTP service runs on lab host um\\.es now\\)\\n +user3@um\\.es`));

      const flushed = await wirelab(['queue', 'flush', '--data', data]);
      assert.equal(flushed.code, 0, flushed.stderr);
      assert.match(flushed.stdout, /st\.um: 1 message\(s\) will be tried now/);
      await eventually('the flushed try', async () => {
        const r = (await records.load(id))?.recipients[0];
        return r?.status === 'deferred' && r.attempts >= 2 ? true : undefined;
      });

      const bounced = await wirelab(['queue', 'bounce', id, '--data', data]);
      assert.equal(bounced.code, 0, bounced.stderr);
      assert.match(bounced.stdout, new RegExp(`${id}: 1 recipient\\(s\\) bounced; the sender is notified`));
      const inbox = new DataDir(data).maildirOf('user1@st.um');
      const dsn = await eventually('the DSN', async () => (await maildirMessages(inbox)).find((m) => m.bytes.includes('cli-1@st.um')));
      const report = await parseWithPython(dsn.bytes);
      assert.equal(report.statusBlocks[1]?.status, '5.0.0');
      assert.match(report.text, /delivery cancelled by the administrator/);
      await eventually('the queue to empty', async () => ((await wirelab(['queue', 'list', '--data', data])).stdout.includes('Mail queue is empty') ? true : undefined));
      const gone = await wirelab(['queue', 'retry', id, '--data', data]);
      assert.equal(gone.code, 1);
    });
  });
});
