import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataDir } from '../../src/lab/data-dir.js';
import { OutboundQueue } from '../../src/mail/queue/outbound-queue.js';
import { newQueueId } from '../../src/mail/queue-id.js';
import { spawnLab, waitForExit } from '../helpers/lab-process.js';
import { FakeRemote } from './fake-remote.js';

const SINK = '127.0.0.42';
const MESSAGES = 400;
const MAX_KILLS = 8;

function config(port: number): string {
  return `
domains:
  - { name: st.um, mailHost: st.um }
hosts:
  - { name: st.um, address: 127.0.0.1 }
mail:
  queue:
    concurrency: 10
    clockSpeed: 1000
    smarthost: { host: ${SINK}, port: ${port}, tls: opportunistic }
services:
  smtp: { host: st.um, port: 0 }
  delivery: { host: st.um }
`;
}

describe('crash test: kill -9 the lab while its delivery agent is mid-transaction, again and again', () => {
  it('no message is lost; a message arrives twice only when the kill fell between the remote\'s 250 and our record of it', async (t) => {
    // The sink answers the end of data after 80 ms, so kills land inside transactions.
    const sink = await new FakeRemote(SINK, { endOfDataDelayMs: 80 }).start();
    const root = await mkdtemp(join(tmpdir(), 'wirelab-relay-crash-'));
    try {
      const configFile = join(root, 'lab.yaml');
      await writeFile(configFile, config(sink.port));
      const dirs = new DataDir(join(root, 'data'));
      dirs.prepare();
      const queue = new OutboundQueue(dirs.queue);
      const ids = new Set<string>();
      for (let n = 0; n < MESSAGES; n++) {
        const id = newQueueId();
        ids.add(id);
        const message = Buffer.from(`X-Test-Id: ${id}\r\nSubject: crash ${n}\r\n\r\n${'line of text\r\n'.repeat(20)}END ${id}\r\n`);
        await queue.enqueue({ id, from: 'user1@st.um', recipients: [`r${n}@far.test`], receivedAt: new Date().toISOString(), host: 'st.um' }, message);
      }

      const kills: number[] = [];
      for (let round = 0; round < MAX_KILLS && (await queue.ids()).length > 0; round++) {
        const lab = await spawnLab(['--config', configFile, '--data', dirs.root, '--log-level', 'error']);
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 400));
        lab.child.kill('SIGKILL');
        kills.push(Date.now());
        await waitForExit(lab.child);
      }
      // A last run finishes the queue.
      const last = await spawnLab(['--config', configFile, '--data', dirs.root, '--log-level', 'error']);
      const deadline = Date.now() + 60_000;
      while ((await queue.ids()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      last.child.kill('SIGTERM');
      assert.equal(await waitForExit(last.child), 0);

      assert.deepEqual(await queue.ids(), [], 'the queue emptied');
      assert.deepEqual(await readdir(join(dirs.queue, 'state')), [], 'no delivery record left behind');
      const arrivals = new Map<string, number[]>();
      for (const mail of sink.mails) {
        const text = mail.data.toString();
        const id = /^X-Test-Id: (\S+)/.exec(text)?.[1];
        assert.ok(id && text.endsWith(`END ${id}\r\n`), 'a whole message');
        arrivals.set(id, [...(arrivals.get(id) ?? []), mail.acceptedAt]);
      }
      const lost = [...ids].filter((id) => !arrivals.has(id));
      assert.deepEqual(lost, [], 'every queued message reached the remote');
      const twice = [...arrivals].filter(([, at]) => at.length > 1);
      for (const [id, [first, second]] of twice) {
        // The documented window: the remote had the whole message, then the kill came before the outcome
        // reached our disk. (The sink may count its 250 a moment after the kill: it sends it to a dead client.)
        const kill = kills.find((k) => k >= first! - 500 && k <= second!);
        assert.ok(kill !== undefined && kill - first! < 2000, `${id} arrived twice (at ${first}, ${second}) without a kill just after the first; kills at ${kills.join(', ')}`);
      }
      // At most the messages in work at a kill (10 connections × 4 messages each) can be in the window.
      assert.ok(twice.length <= kills.length * 40, `${twice.length} duplicates for ${kills.length} kills with at most 40 messages in work`);
      assert.ok(kills.length >= 2, `only ${kills.length} kill(s) landed before the queue emptied`);
      t.diagnostic(`${kills.length} kills, ${sink.mails.length} transactions for ${MESSAGES} messages, ${twice.length} sent twice (each in the window)`);
    } finally {
      await sink.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});
