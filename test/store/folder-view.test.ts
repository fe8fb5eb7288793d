import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rename, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../helpers/run.js';
import { deliverToMaildir, MailStoreError, openMailbox, type Mailbox } from '../../src/mail/store/index.js';

async function withMailbox(run: (mailbox: Mailbox, root: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-view-'));
  try {
    const root = join(dir, 'Maildir');
    await run(await openMailbox(root), root);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const message = (n: number): Buffer => Buffer.from(`Subject: message ${n}\r\n\r\nbody ${n}\r\n`);

/** Waits (bounded) until `check` holds. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('a delivery reaches an open view: onChange fires, sync reports EXISTS, UIDs ascend', async () => {
  await withMailbox(async (mailbox, root) => {
    await deliverToMaildir(root, message(1));
    const view = await mailbox.open('INBOX');
    assert.equal(view.exists, 1);
    assert.equal(view.uidNext, 2);
    let woken = 0;
    const stop = view.onChange(() => {
      woken += 1;
    });
    await deliverToMaildir(root, message(2));
    await eventually(() => woken > 0, 'onChange after a delivery');
    const update = await view.sync();
    assert.equal(update.exists, 2);
    assert.deepEqual(
      view.messages().map((m) => m.uid),
      [1, 2],
    );
    assert.deepEqual(await view.read(2), message(2));
    assert.equal(view.message(2)!.size, message(2).length);
    stop();
    view.close();
  });
});

test('two sessions: flags and expunges from one reach the other at sync, never the one that made them', async () => {
  await withMailbox(async (mailbox, root) => {
    for (let i = 1; i <= 4; i += 1) await deliverToMaildir(root, message(i));
    const a = await mailbox.open('INBOX');
    const b = await mailbox.open('INBOX');
    const changed = await a.storeFlags([2, 3, 4], 'add', ['\\Deleted', '\\Seen']);
    assert.deepEqual(
      changed.map((m) => m.uid),
      [2, 3, 4],
    );
    assert.deepEqual((await a.sync()).flagChanges, [], 'no echo to the session that stored');
    const seen = await b.sync();
    assert.deepEqual(
      seen.flagChanges.map((c) => [c.seq, c.message.flags]),
      [
        [2, ['\\Deleted', '\\Seen']],
        [3, ['\\Deleted', '\\Seen']],
        [4, ['\\Deleted', '\\Seen']],
      ],
    );
    const files = await readdir(join(root, 'cur'));
    assert.equal(files.filter((f) => f.endsWith(':2,ST')).length, 3, 'flags live in the file names');

    const expunged = await a.expunge([2, 4]);
    assert.deepEqual(expunged, { sequences: [2, 3], uids: [2, 4] }, 'ascending, each as numbered at that moment');
    assert.equal(a.exists, 2);

    const held = await b.sync({ expunge: false });
    assert.deepEqual(held.expunged.sequences, []);
    assert.equal(b.exists, 4, 'expunges wait while a command runs (RFC 3501 §7.4.1)');
    await assert.rejects(b.read(2), (err) => err instanceof MailStoreError && err.code === 'EXPUNGED');
    const later = await b.sync();
    assert.deepEqual(later.expunged, { sequences: [2, 3], uids: [2, 4] });
    assert.deepEqual(
      b.messages().map((m) => m.uid),
      [1, 3],
    );
    a.close();
    b.close();
  });
});

test('STORE forms: replace, add, remove; keywords keep their first spelling; 27 keywords is one too many', async () => {
  await withMailbox(async (mailbox, root) => {
    await deliverToMaildir(root, message(1));
    const view = await mailbox.open('INBOX');
    await view.storeFlags([1], 'replace', ['\\Flagged', '$Forwarded']);
    await view.storeFlags([1], 'add', ['$forwarded', '\\Answered']);
    assert.deepEqual(view.message(1)!.flags, ['\\Answered', '\\Flagged', '$Forwarded']);
    await view.storeFlags([1], 'remove', ['\\FLAGGED']);
    assert.deepEqual(view.message(1)!.flags, ['\\Answered', '$Forwarded']);
    assert.deepEqual(await view.storeFlags([1], 'add', ['\\Answered']), [], 'unchanged messages are not reported');
    const many = Array.from({ length: 25 }, (_, i) => `k${i}`);
    await view.storeFlags([1], 'add', many);
    assert.equal(view.canCreateKeywords, false);
    await assert.rejects(view.storeFlags([1], 'add', ['one-too-many']), (err) => err instanceof MailStoreError && err.code === 'TOO_MANY_KEYWORDS');
    assert.equal(view.message(1)!.flags.length, 27);
    const update = await view.sync();
    assert.equal(update.keywords?.length, 26, 'new keywords mean a new FLAGS response');
    view.close();
  });
});

test('\\Recent belongs to the first read-write session; EXAMINE shows it without claiming it', async () => {
  await withMailbox(async (mailbox, root) => {
    await deliverToMaildir(root, message(1));
    const examine = await mailbox.open('INBOX', { readOnly: true });
    assert.equal(examine.recent, 1, 'EXAMINE sees the message as recent (RFC 3501 §6.3.2)…');
    assert.equal((await mailbox.status('INBOX')).recent, 1, '…but leaves it for the next SELECT');
    const first = await mailbox.open('INBOX');
    assert.equal(first.recent, 1);
    assert.ok(first.isRecent(1));
    assert.deepEqual(await readdir(join(root, 'new')), [], 'a claimed message moves to cur/');
    const second = await mailbox.open('INBOX');
    assert.equal(second.recent, 0);
    await assert.rejects(examine.storeFlags([1], 'add', ['\\Seen']), (err) => err instanceof MailStoreError && err.code === 'READ_ONLY');
    for (const v of [examine, first, second]) v.close();
  });
});

test('COPY and MOVE give COPYUID pairs, keep flags, keywords and internal dates', async () => {
  await withMailbox(async (mailbox, root) => {
    for (let i = 1; i <= 3; i += 1) await deliverToMaildir(root, message(i));
    await mailbox.create('Archive');
    const inbox = await mailbox.open('INBOX');
    await inbox.storeFlags([1], 'add', ['\\Seen', 'Work']);
    const copied = await inbox.copy([1, 2], 'Archive');
    assert.deepEqual(copied.pairs, [
      [1, 1],
      [2, 2],
    ]);
    assert.equal(copied.uidValidity, (await mailbox.status('Archive')).uidValidity);
    const moved = await inbox.move([2, 3], 'Archive');
    assert.deepEqual(moved.pairs, [
      [2, 3],
      [3, 4],
    ]);
    assert.deepEqual(moved.expunged, { sequences: [2, 2], uids: [2, 3] });
    assert.equal(inbox.exists, 1);
    await assert.rejects(inbox.copy([1], 'Nowhere'), (err) => err instanceof MailStoreError && err.code === 'NONEXISTENT');

    const archive = await mailbox.open('Archive');
    assert.equal(archive.exists, 4);
    assert.deepEqual(archive.message(1)!.flags, ['\\Seen', 'Work']);
    assert.deepEqual(await archive.read(4), message(3));
    assert.equal(archive.message(1)!.internalDate.getTime(), inbox.message(1)!.internalDate.getTime());
    assert.equal(await readFile(join(root, '.Archive', 'dovecot-keywords'), 'utf8'), '0 Work\n');
    inbox.close();
    archive.close();
  });
});

test('changes by other programs: new files, renamed flags, bare-LF files, deleted files', async () => {
  await withMailbox(async (mailbox, root) => {
    const view = await mailbox.open('INBOX');
    let woken = 0;
    const stop = view.onChange(() => {
      woken += 1;
    });
    // What mutt or Dovecot's LDA would write: LF line ends, no sizes in the name.
    const lf = Buffer.from('Subject: from mutt\n\nline one\nline two\n');
    await writeFile(join(root, 'tmp', '1700000000.M1P1.otherhost'), lf);
    await rename(join(root, 'tmp', '1700000000.M1P1.otherhost'), join(root, 'new', '1700000000.M1P1.otherhost'));
    await eventually(() => woken > 0, 'the watcher noticing a file from another program');
    const update = await view.sync();
    assert.equal(update.exists, 1);
    const crlf = Buffer.from(lf.toString().replace(/\n/g, '\r\n'));
    assert.equal(view.message(1)!.size, crlf.length, 'sizes count CRLF');
    assert.deepEqual(await view.read(1), crlf);
    assert.match(await readFile(join(root, 'dovecot-uidlist'), 'utf8'), /1 W\d+ :1700000000\.M1P1\.otherhost/);

    const [file] = await readdir(join(root, 'cur'));
    await rename(join(root, 'cur', file!), join(root, 'cur', '1700000000.M1P1.otherhost:2,FS'));
    await eventually(async () => (await view.sync()).flagChanges.length === 1, 'a flag change made by renaming');
    assert.deepEqual(view.message(1)!.flags, ['\\Flagged', '\\Seen']);

    await unlink(join(root, 'cur', '1700000000.M1P1.otherhost:2,FS'));
    await eventually(async () => (await view.sync()).expunged.uids.length === 1, 'an expunge made by deleting the file');
    assert.equal(view.exists, 0);
    stop();
    view.close();
  });
});

test('UIDs never repeat: after everything is expunged, the next message gets a higher UID, also in a new process', async () => {
  await withMailbox(async (mailbox, root) => {
    for (let i = 1; i <= 3; i += 1) await deliverToMaildir(root, message(i));
    const view = await mailbox.open('INBOX');
    await view.storeFlags([1, 2, 3], 'add', ['\\Deleted']);
    await view.expunge();
    view.close();
    const mtime = new Date(Date.now() - 60_000);
    await utimes(join(root, 'cur'), mtime, mtime);
    await deliverToMaildir(root, message(4));
    const again = await mailbox.open('INBOX');
    await again.sync();
    assert.deepEqual(
      again.messages().map((m) => m.uid),
      [4],
    );
    again.close();
    const header = (await readFile(join(root, 'dovecot-uidlist'), 'utf8')).split('\n')[0]!;
    assert.match(header, /^3 V\d+ N5 G[0-9a-f]{32}$/);

    // A restarted lab is a new process with nothing in memory: it must read the same UIDs back.
    const store = new URL('../../src/mail/store/index.js', import.meta.url).href;
    const script = `import { openMailbox, deliverToMaildir } from ${JSON.stringify(store)};
      const root = ${JSON.stringify(root)};
      await deliverToMaildir(root, Buffer.from('five\\r\\n'));
      const view = await (await openMailbox(root)).open('INBOX');
      console.log(JSON.stringify({ uids: view.messages().map((m) => m.uid), validity: view.uidValidity }));`;
    const child = await run(process.execPath, ['--input-type=module', '-e', script], { timeoutMs: 20_000 });
    assert.equal(child.code, 0, child.stderr);
    const seen = JSON.parse(child.stdout) as { uids: number[]; validity: number };
    assert.deepEqual(seen, { uids: [4, 5], validity: again.uidValidity });
  });
});
