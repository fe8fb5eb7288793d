import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MailStoreError, openMailbox, type Mailbox } from '../../src/mail/store/index.js';

async function withMailbox(run: (mailbox: Mailbox, root: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-store-'));
  try {
    const root = join(dir, 'Maildir');
    await run(await openMailbox(root), root);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function storeError(code: string): (err: unknown) => boolean {
  return (err) => err instanceof MailStoreError && err.code === code;
}

test('every mailbox gets INBOX and the RFC 6154 folders, subscribed, as Maildir++ directories', async () => {
  await withMailbox(async (mailbox, root) => {
    const list = await mailbox.list();
    assert.deepEqual(
      list.map((f) => [f.name, f.specialUse ?? '', f.subscribed]),
      [
        ['INBOX', '', false],
        ['Drafts', '\\Drafts', true],
        ['Junk', '\\Junk', true],
        ['Sent', '\\Sent', true],
        ['Trash', '\\Trash', true],
      ],
    );
    for (const dir of ['cur', 'new', 'tmp', '.Sent/cur', '.Sent/new', '.Sent/tmp', '.Trash/maildirfolder']) await stat(join(root, dir));
    assert.deepEqual((await readFile(join(root, 'subscriptions'), 'utf8')).split('\n').sort(), ['', 'Drafts', 'Junk', 'Sent', 'Trash']);
  });
});

test('create, nested names, children attributes, delete keeps children under a \\Noselect parent', async () => {
  await withMailbox(async (mailbox, root) => {
    await mailbox.create('Projects.2024.Q1');
    let list = await mailbox.list();
    const byName = new Map(list.map((f) => [f.name, f]));
    assert.equal(byName.get('Projects')?.hasChildren, true);
    assert.equal(byName.get('Projects')?.selectable, true, 'parents are created (RFC 3501 §6.3.3)');
    assert.equal(byName.get('Projects.2024.Q1')?.hasChildren, false);
    await stat(join(root, '.Projects.2024.Q1', 'cur'));
    await assert.rejects(mailbox.create('Projects'), storeError('ALREADY_EXISTS'));
    await assert.rejects(mailbox.create('inbox'), storeError('ALREADY_EXISTS'));
    await mailbox.create('Trailing.');
    assert.ok((await mailbox.list()).some((f) => f.name === 'Trailing'));
    for (const bad of ['', '.a', 'a..b', 'a/b', 'x\r\ny', 'a*', '%']) await assert.rejects(mailbox.create(bad), storeError('INVALID_NAME'), bad);

    await mailbox.delete('Projects');
    list = await mailbox.list();
    const projects = list.find((f) => f.name === 'Projects');
    assert.deepEqual(projects && { selectable: projects.selectable, hasChildren: projects.hasChildren }, { selectable: false, hasChildren: true });
    await assert.rejects(mailbox.delete('Projects'), storeError('NONEXISTENT'));
    await assert.rejects(mailbox.delete('INBOX'), storeError('CANNOT'));
    assert.deepEqual((await readdir(root)).filter((e) => e.includes('TRASHED')), []);
  });
});

test('rename moves a folder with its children; renaming INBOX moves its messages and leaves INBOX empty', async () => {
  await withMailbox(async (mailbox) => {
    await mailbox.create('a.b');
    const { uid } = await mailbox.append('a.b', Buffer.from('Subject: x\r\n\r\nhi\r\n'));
    assert.equal(uid, 1);
    await mailbox.rename('a', 'z');
    const names = (await mailbox.list()).map((f) => f.name);
    assert.ok(names.includes('z') && names.includes('z.b') && !names.includes('a') && !names.includes('a.b'));
    assert.equal((await mailbox.status('z.b')).messages, 1);
    await assert.rejects(mailbox.rename('z', 'z.c'), storeError('CANNOT'));
    await assert.rejects(mailbox.rename('nope', 'q'), storeError('NONEXISTENT'));
    await assert.rejects(mailbox.rename('z', 'Sent'), storeError('ALREADY_EXISTS'));

    await mailbox.append('INBOX', Buffer.from('one\r\n'));
    await mailbox.append('INBOX', Buffer.from('two\r\n'), { flags: ['\\Seen'] });
    await mailbox.rename('INBOX', 'Old');
    assert.equal((await mailbox.status('INBOX')).messages, 0);
    const old = await mailbox.open('Old');
    assert.equal(old.exists, 2);
    assert.deepEqual(old.messages()[1]!.flags, ['\\Seen']);
    assert.equal((await old.read(old.messages()[0]!.uid)).toString(), 'one\r\n');
    old.close();
  });
});

test('subscriptions: subscribe, unsubscribe, names that no longer exist stay listed', async () => {
  await withMailbox(async (mailbox) => {
    await mailbox.create('News');
    await mailbox.subscribe('News');
    await mailbox.subscribe('News');
    await mailbox.subscribe('inbox');
    assert.ok((await mailbox.subscriptions()).includes('News'));
    assert.ok((await mailbox.subscriptions()).includes('INBOX'));
    await mailbox.delete('News');
    assert.ok((await mailbox.subscriptions()).includes('News'));
    await mailbox.unsubscribe('News');
    assert.ok(!(await mailbox.subscriptions()).includes('News'));
  });
});

test('status counts messages, unseen and recent; UIDVALIDITY differs between folders and after re-creation', async () => {
  await withMailbox(async (mailbox) => {
    await mailbox.append('INBOX', Buffer.from('a\r\n'));
    await mailbox.append('INBOX', Buffer.from('b\r\n'), { flags: ['\\Seen'] });
    const status = await mailbox.status('INBOX');
    assert.deepEqual({ ...status, uidValidity: 0 }, { messages: 2, recent: 2, unseen: 1, uidNext: 3, uidValidity: 0 });
    await mailbox.create('Temp');
    const first = (await mailbox.status('Temp')).uidValidity;
    await mailbox.delete('Temp');
    await mailbox.create('Temp');
    const second = (await mailbox.status('Temp')).uidValidity;
    assert.notEqual(first, second);
    assert.notEqual(first, status.uidValidity);
    await assert.rejects(mailbox.status('Missing'), storeError('NONEXISTENT'));
    await assert.rejects(mailbox.append('Missing', Buffer.from('x')), storeError('NONEXISTENT'));
  });
});

test('append keeps flags, keywords (in dovecot-keywords) and the internal date', async () => {
  await withMailbox(async (mailbox, root) => {
    const date = new Date('2014-05-18T19:05:06Z');
    const { uid } = await mailbox.append('INBOX', Buffer.from('Subject: k\r\n\r\nbody\r\n'), { flags: ['\\Flagged', '$Forwarded', 'Work'], internalDate: date });
    const view = await mailbox.open('INBOX');
    const info = view.message(view.sequenceOf(uid)!)!;
    assert.deepEqual(info.flags, ['\\Flagged', '$Forwarded', 'Work']);
    assert.equal(info.internalDate.getTime(), date.getTime());
    assert.equal(info.size, 20);
    assert.equal(await readFile(join(root, 'dovecot-keywords'), 'utf8'), '0 $Forwarded\n1 Work\n');
    const files = await readdir(join(root, 'cur'));
    assert.equal(files.length, 1);
    assert.match(files[0]!, /:2,Fab$/);
    view.close();
  });
});

test('the POP3 maildrop lock: a second lock is refused until the first is released', async () => {
  await withMailbox(async (mailbox, root) => {
    const lock = await mailbox.lockMaildrop();
    await assert.rejects(mailbox.lockMaildrop(), storeError('LOCKED'));
    await assert.rejects((await openMailbox(root)).lockMaildrop(), storeError('LOCKED'));
    assert.equal((await readFile(join(root, 'wirelab-pop3.lock'), 'utf8')).trim(), String(process.pid));
    await lock.release();
    const again = await mailbox.lockMaildrop();
    await again.release();
  });
});
