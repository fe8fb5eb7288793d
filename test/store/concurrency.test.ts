import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deliverToMaildir, MailStoreError, openMailbox, type FolderView } from '../../src/mail/store/index.js';

const SESSIONS = 10;
const DELIVERIES = 200;
const OPERATIONS_PER_SESSION = 40;

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const subjectOf = (bytes: Buffer): string => /Subject: (msg-\d+)/.exec(bytes.toString())![1]!;

test('10 sessions on one folder while 200 messages arrive: flags, expunges and moves agree, no UID repeats, nothing lost', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-concurrency-'));
  try {
    const root = join(dir, 'Maildir');
    const mailbox = await openMailbox(root);
    await mailbox.create('Archive');
    const views = await Promise.all(Array.from({ length: SESSIONS }, () => mailbox.open('INBOX')));
    const expunged = new Set<string>();
    const moved = new Set<string>();

    const deliveries = (async () => {
      for (let i = 0; i < DELIVERIES; i += 1) {
        await deliverToMaildir(root, Buffer.from(`Subject: msg-${i}\r\n\r\nbody ${i}\r\n`));
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      }
    })();

    const session = async (view: FolderView, seed: number): Promise<void> => {
      const next = random(seed);
      for (let op = 0; op < OPERATIONS_PER_SESSION; op += 1) {
        await view.sync({ expunge: next() < 0.7 });
        const messages = view.messages();
        if (messages.length === 0) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        const target = messages[Math.floor(next() * messages.length)]!;
        const choice = next();
        try {
          if (choice < 0.5) {
            await view.storeFlags([target.uid], next() < 0.5 ? 'add' : 'remove', ['\\Seen', '\\Flagged']);
          } else if (choice < 0.7) {
            const subject = subjectOf(await view.read(target.uid));
            await view.storeFlags([target.uid], 'add', ['\\Deleted']);
            const result = await view.expunge([target.uid]);
            if (result.uids.includes(target.uid)) expunged.add(subject);
          } else if (choice < 0.85) {
            const subject = subjectOf(await view.read(target.uid));
            const result = await view.move([target.uid], 'Archive');
            if (result.pairs.length === 1) moved.add(subject);
          } else {
            await view.read(target.uid);
          }
        } catch (err) {
          // Another session removed the message first: that is the one allowed failure.
          if (!(err instanceof MailStoreError) || err.code !== 'EXPUNGED') throw err;
        }
      }
    };

    await Promise.all([deliveries, ...views.map((v, i) => session(v, i + 1))]);

    const fresh = await mailbox.open('INBOX');
    const truth = fresh.messages();
    for (const view of views) {
      await view.sync();
      assert.deepEqual(
        view.messages().map((m) => [m.uid, m.flags]),
        truth.map((m) => [m.uid, m.flags]),
        'every session sees what the store holds',
      );
      view.close();
    }
    const uids = truth.map((m) => m.uid);
    assert.ok(uids.every((uid, i) => i === 0 || uid > uids[i - 1]!), 'UIDs ascend');

    const archive = await mailbox.open('Archive');
    const inInbox = await Promise.all(truth.map(async (m) => subjectOf(await fresh.read(m.uid))));
    const inArchive = await Promise.all(archive.messages().map(async (m) => subjectOf(await archive.read(m.uid))));
    const all = [...inInbox, ...inArchive];
    assert.equal(new Set(all).size, all.length, 'no message is in two places or twice');
    assert.deepEqual(new Set(inArchive), moved);
    const expected = Array.from({ length: DELIVERIES }, (_, i) => `msg-${i}`).filter((s) => !expunged.has(s));
    assert.deepEqual([...all].sort(), expected.sort(), 'everything delivered is somewhere, except what was expunged');
    assert.ok(expunged.size > 0 && moved.size > 0, 'the sessions did expunge and move');
    fresh.close();
    archive.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
