import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openMailbox } from '../../src/mail/store/index.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import { startImapLab } from './helpers/imap-lab.js';
import { loggedIn, type RawImap, tagged, untagged } from './helpers/raw-client.js';

const SESSIONS = 10;
const MESSAGES = 200;
const SENDERS = 4;

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function message(n: number): string {
  return `From: sender@um.es\r\nTo: user1@st.um\r\nSubject: C ${n}\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <c${n}@um.es>\r\n\r\nConcurrent message ${n}.\r\n`;
}

async function send(port: number, numbers: number[]): Promise<void> {
  const { client } = await RawSmtp.connect(port);
  try {
    await client.last('EHLO sender.um.es');
    for (const n of numbers) {
      assert.match(await client.last('MAIL FROM:<sender@um.es>'), /^250/);
      assert.match(await client.last('RCPT TO:<user1@st.um>'), /^250/);
      assert.match(await client.last('DATA'), /^354/);
      assert.match(await client.last(`${message(n)}.`), /^250/);
    }
    await client.last('QUIT');
  } finally {
    client.close();
  }
}

/** UID → message number, from a FETCH of Message-IDs (a view of INBOX as one session sees it). */
async function messageNumbers(client: RawImap, set: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const line of untagged(await client.command('m', `UID FETCH ${set} (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])`))) {
    const uid = /UID (\d+)/.exec(line);
    const n = /<c(\d+)@um\.es>/.exec(line);
    if (uid && n) out.set(Number(uid[1]), Number(n[1]));
  }
  return out;
}

/** (uid, flags without \Recent) for every message, as a session sees INBOX. */
async function view(client: RawImap): Promise<string[]> {
  await client.command('sync', 'NOOP');
  return untagged(await client.command('v', 'UID FETCH 1:* (UID FLAGS)'))
    .filter((l) => l.includes(' FETCH '))
    .map((l) => {
      const uid = /UID (\d+)/.exec(l)![1];
      const flags = /FLAGS \(([^)]*)\)/.exec(l)![1]!.split(' ').filter((f) => f && f !== '\\Recent').sort().join(' ');
      return `${uid} ${flags}`;
    });
}

test(`${SESSIONS} IMAP sessions on one mailbox while SMTP delivers ${MESSAGES} messages: flags, expunges and moves stay consistent, no UID repeats, nothing lost`, async (t) => {
  const lab = await startImapLab({ smtp: true });
  t.after(() => lab.dispose());
  const imapPort = lab.endpoint('imap').port;
  const setup = await loggedIn(imapPort, 'user1');
  await setup.command('c', 'CREATE Moved');
  setup.close();

  const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => loggedIn(imapPort, 'user1')));
  t.after(() => sessions.forEach((s) => s.close()));
  for (const s of sessions) assert.match(tagged(await s.command('s', 'SELECT INBOX')), /OK \[READ-WRITE\]/);

  const deleted = new Set<number>();
  const moved = new Set<number>();
  /** Every UID ever seen in INBOX and the message it named: a UID must never name a second message. */
  const uidOwner = new Map<number, number>();
  let delivering = true;
  const numbers = Array.from({ length: MESSAGES }, (_, i) => i + 1);
  const deliveries = Promise.all(Array.from({ length: SENDERS }, (_, k) => send(lab.endpoint('smtp').port, numbers.filter((n) => n % SENDERS === k)))).finally(() => {
    delivering = false;
  });

  const work = sessions.map(async (client, index) => {
    const next = random(index + 1);
    let afterDelivery = 0;
    // Bounded: at least 60 and at most 400 steps per session, and a few rounds once delivery has finished.
    for (let step = 0; step < 400 && (delivering || afterDelivery++ < 5 || step < 60); step += 1) {
      const action = next();
      if (action < 0.3) {
        assert.match(tagged(await client.command('n', 'NOOP')), /OK/);
        continue;
      }
      const known = await messageNumbers(client, '1:*');
      for (const [uid, n] of known) {
        const owner = uidOwner.get(uid);
        assert.ok(owner === undefined || owner === n, `UID ${uid} named message ${owner} and then ${n}`);
        uidOwner.set(uid, n);
      }
      if (action < 0.9) {
        const uids = [...known.keys()];
        if (uids.length === 0) continue;
        const uid = uids[Math.floor(next() * uids.length)]!;
        const flag = ['\\Seen', '\\Flagged', '\\Answered', '$Label1'][Math.floor(next() * 4)];
        const op = next() < 0.7 ? '+' : '-';
        assert.match(tagged(await client.command('f', `UID STORE ${uid} ${op}FLAGS.SILENT (${flag})`)), /OK/);
        continue;
      }
      // Only the session that owns a message (number modulo the session count) removes it, so each removal's effect is known.
      const own = [...known].filter(([, n]) => n % SESSIONS === index && !deleted.has(n) && !moved.has(n));
      if (own.length === 0) continue;
      const [uid, n] = own[Math.floor(next() * own.length)]!;
      if (action < 0.95) {
        assert.match(tagged(await client.command('d', `UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`)), /OK/);
        assert.match(tagged(await client.command('x', `UID EXPUNGE ${uid}`)), /OK/);
        deleted.add(n);
      } else {
        assert.match(tagged(await client.command('v', `UID MOVE ${uid} Moved`)), /OK/);
        moved.add(n);
      }
    }
  });
  await Promise.all([deliveries, ...work]);

  const views = await Promise.all(sessions.map(view));
  const fresh = await loggedIn(imapPort, 'user1');
  t.after(() => fresh.close());
  await fresh.command('e', 'EXAMINE INBOX');
  const truth = await view(fresh);
  views.forEach((v, i) => assert.deepEqual(v, truth, `session ${i + 1} agrees with a fresh session`));

  const store = await (await openMailbox(lab.dataDir.maildirOf('user1@st.um'))).open('INBOX', { readOnly: true });
  const stored = store.messages().map((m) => `${m.uid} ${m.flags.filter((f) => f !== '\\Recent').slice().sort().join(' ')}`);
  store.close();
  assert.deepEqual(truth, stored, 'the sessions’ view is the store’s');

  const inInbox = [...(await messageNumbers(fresh, '1:*')).values()];
  assert.equal(new Set(inInbox).size, inInbox.length, 'no message twice');
  await fresh.command('m', 'EXAMINE Moved');
  const inMoved = [...(await messageNumbers(fresh, '1:*')).values()];
  assert.deepEqual(inMoved.sort((a, b) => a - b), [...moved].sort((a, b) => a - b), 'every moved message is in Moved');
  const expected = numbers.filter((n) => !deleted.has(n) && !moved.has(n));
  assert.deepEqual(inInbox.sort((a, b) => a - b), expected, 'every delivered message is in INBOX unless deliberately removed');
  assert.ok(deleted.size > 0 && moved.size > 0, `the run removed some (deleted ${deleted.size}, moved ${moved.size})`);
  const allUids = truth.map((l) => Number(l.split(' ')[0]));
  assert.equal(new Set(allUids).size, allUids.length, 'no UID twice');
});
