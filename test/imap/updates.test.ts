import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestLab } from '../helpers/lab.js';
import { deliver, sampleMessage, startImapLab } from './helpers/imap-lab.js';
import { loggedIn, tagged, untagged } from './helpers/raw-client.js';

let lab: TestLab;
let port: number;

before(async () => {
  lab = await startImapLab({ extraUsers: 4 });
  port = lab.endpoint('imap').port;
});
after(() => lab.dispose());

test('another session’s flag changes, expunges and new mail reach this one at its next command', async () => {
  await deliver(lab, 'u1@st.um', [sampleMessage(1), sampleMessage(2), sampleMessage(3)]);
  const a = await loggedIn(port, 'u1');
  const b = await loggedIn(port, 'u1');
  try {
    await a.command('a1', 'SELECT INBOX');
    await b.command('b1', 'SELECT INBOX');
    await a.command('a2', 'STORE 2 +FLAGS.SILENT (\\Flagged)');
    assert.deepEqual(untagged(await b.command('b2', 'NOOP')), ['* 2 FETCH (UID 2 FLAGS (\\Flagged))']);
    await a.command('a3', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await a.command('a4', 'EXPUNGE');
    // During FETCH, STORE and SEARCH no EXPUNGE may be sent (RFC 3501 §7.4.1): b still numbers 3 messages…
    const fetch = await b.command('b3', 'FETCH 1:* (UID)');
    assert.deepEqual(untagged(fetch).filter((l) => /EXPUNGE/.test(l)), []);
    assert.match(tagged(fetch), /^b3 (OK|NO \[EXPUNGEISSUED\])/);
    // …the UID form may announce it, and NOOP does.
    assert.deepEqual(untagged(await b.command('b4', 'NOOP')).filter((l) => /EXPUNGE|FETCH \(UID 1 /.test(l)), ['* 1 EXPUNGE']);
    await deliver(lab, 'u1@st.um', [sampleMessage(4)]);
    const news = untagged(await b.command('b5', 'NOOP'));
    assert.ok(news.includes('* 3 EXISTS'), news.join('|'));
    assert.deepEqual(untagged(await b.command('b6', 'FETCH 1:* UID')), ['* 1 FETCH (UID 2)', '* 2 FETCH (UID 3)', '* 3 FETCH (UID 4)']);
  } finally {
    a.close();
    b.close();
  }
});

test('IDLE pushes EXISTS within half a second of a delivery, and flag changes and expunges while idling; DONE ends it', async () => {
  await deliver(lab, 'u2@st.um', [sampleMessage(1)]);
  const watcher = await loggedIn(port, 'u2');
  const actor = await loggedIn(port, 'u2');
  try {
    await watcher.command('w1', 'SELECT INBOX');
    await actor.command('x1', 'SELECT INBOX');
    watcher.send('w2 IDLE\r\n');
    assert.equal((await watcher.response()).text, '+ idling');
    const started = Date.now();
    await deliver(lab, 'u2@st.um', [sampleMessage(2)]);
    const pushed = await watcher.response(2000);
    const latency = Date.now() - started;
    assert.equal(pushed.text, '* 2 EXISTS');
    assert.ok(latency < 500, `EXISTS came ${latency} ms after the delivery`);
    assert.equal((await watcher.response(2000)).text, '* 2 RECENT');
    await actor.command('x2', 'STORE 1 +FLAGS.SILENT (\\Seen)');
    assert.equal((await watcher.response(2000)).text, '* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))');
    await actor.command('x3', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await watcher.response(2000);
    await actor.command('x4', 'EXPUNGE');
    assert.equal((await watcher.response(2000)).text, '* 1 EXPUNGE');
    watcher.send('DONE\r\n');
    assert.equal(tagged(await watcher.until('w2')), 'w2 OK Idle completed.');
    assert.match(tagged(await watcher.command('w3', 'NOOP')), /^w3 OK/);
    watcher.send('w4 IDLE\r\n');
    await watcher.response();
    watcher.send('NOT DONE\r\n');
    assert.match(tagged(await watcher.until('w4')), /^w4 BAD/);
  } finally {
    watcher.close();
    actor.close();
  }
});

test('a message appended or copied by one session appears in the other’s view; UIDs are never reused', async () => {
  const a = await loggedIn(port, 'u3');
  const b = await loggedIn(port, 'u3');
  try {
    await b.command('b1', 'SELECT Sent');
    const message = sampleMessage(9);
    await a.command('a1', Buffer.concat([Buffer.from(`APPEND Sent {${message.length}+}\r\n`), message]));
    assert.ok(untagged(await b.command('b2', 'NOOP')).includes('* 1 EXISTS'));
    await b.command('b3', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await b.command('b4', 'EXPUNGE');
    await a.command('a2', Buffer.concat([Buffer.from(`APPEND Sent {${message.length}+}\r\n`), message]));
    assert.ok(untagged(await b.command('b5', 'NOOP')).includes('* 1 EXISTS'));
    assert.deepEqual(untagged(await b.command('b6', 'UID FETCH 1:* UID')), ['* 1 FETCH (UID 2)']);
  } finally {
    a.close();
    b.close();
  }
});
