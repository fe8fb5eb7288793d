import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { TestLab } from '../../helpers/lab.js';
import { CORPUS } from '../../mime/corpus.js';
import { deliver, sampleMessage, startImapLab } from '../helpers/imap-lab.js';

function client(lab: TestLab, extra: Partial<ImapFlowOptions> = {}): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: lab.endpoint('imap').port,
    auth: { user: 'user1', pass: 'password' },
    logger: false,
    disableAutoIdle: true,
    tls: { rejectUnauthorized: false },
    ...extra,
  });
}

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

test('imapflow (Node client): STARTTLS, folders, APPEND, FETCH of every kind, SEARCH, STORE, COPY, MOVE, EXPUNGE, STATUS, IDLE', async (t) => {
  const lab = await startImapLab();
  t.after(() => lab.dispose());
  await deliver(lab, 'user1@st.um', [sampleMessage(1), sampleMessage(2, { subject: 'Second' }), CORPUS.mixedNested!]);

  const imap = client(lab);
  t.after(() => imap.close());
  await imap.connect();
  assert.ok(imap.secureConnection || lab.transcripts.list().some((c) => c.events.some((e) => e.type === 'tls')), 'imapflow upgraded with STARTTLS');

  const folders = await imap.list();
  assert.deepEqual(
    folders.map((f) => `${f.path} ${f.specialUse ?? ''}`).sort(),
    ['Drafts \\Drafts', 'INBOX \\Inbox', 'Junk \\Junk', 'Sent \\Sent', 'Trash \\Trash'],
  );
  await imap.mailboxCreate('Projects');
  await imap.mailboxCreate(['Projects', 'Alpha']);
  await imap.mailboxRename('Projects.Alpha', 'Projects.Beta');
  assert.ok(await imap.mailboxSubscribe('Projects.Beta'));
  const tree = await imap.listTree();
  assert.ok(tree.folders?.some((f) => f.path === 'Projects' && f.folders?.some((c) => c.path === 'Projects.Beta')));
  assert.ok(await imap.mailboxUnsubscribe('Projects.Beta'));
  await imap.mailboxDelete('Projects.Beta');

  const appended = await imap.append('Drafts', sampleMessage(5, { subject: 'Draft' }), ['\\Draft'], new Date('2024-05-05T12:00:00Z'));
  assert.ok(appended && appended.uid === 1 && appended.uidValidity);
  const status = await imap.status('INBOX', { messages: true, unseen: true, uidNext: true, uidValidity: true, recent: true });
  assert.deepEqual([status.messages, status.unseen, status.uidNext], [3, 3, 4]);

  const readOnly = await imap.mailboxOpen('INBOX', { readOnly: true });
  assert.equal(readOnly.readOnly, true);
  await imap.mailboxClose();

  const lock = await imap.getMailboxLock('INBOX');
  try {
    const mailbox = imap.mailbox;
    assert.ok(mailbox && mailbox.exists === 3 && mailbox.uidNext === 4);
    const messages = await imap.fetchAll('1:*', { uid: true, flags: true, envelope: true, bodyStructure: true, internalDate: true, size: true, source: true, headers: ['subject'] });
    assert.equal(messages.length, 3);
    assert.equal(messages[1]!.envelope?.subject, 'Second');
    assert.equal(messages[0]!.envelope?.from?.[0]?.address, 'alice@um.es');
    assert.equal(messages[0]!.source?.toString('latin1'), sampleMessage(1).toString('latin1'));
    assert.equal(messages[0]!.size, sampleMessage(1).length);
    assert.equal(messages[1]!.headers?.toString(), 'Subject: Second\r\n\r\n');
    const structure = messages[2]!.bodyStructure!;
    assert.equal(structure.type, 'multipart/mixed');
    assert.deepEqual(structure.childNodes?.map((p) => p.type), ['multipart/alternative', 'application/pdf', 'text/plain']);
    assert.equal(structure.childNodes?.[1]?.disposition, 'attachment');
    const { content, meta } = await imap.download('3', '2');
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    assert.equal(meta.contentType, 'application/pdf');
    assert.equal(Buffer.concat(chunks).toString('base64'), 'JVBERi0xLjQKJcfsj6IKMSAwIG9iago=');
    const one = await imap.fetchOne('2', { bodyParts: ['1', 'TEXT'] });
    assert.ok(one && one.bodyParts?.get('1')?.toString().startsWith('Body of message 2'));

    assert.deepEqual(await imap.search({ subject: 'Second' }), [2]);
    assert.deepEqual(await imap.search({ seen: false, from: 'alice' }, { uid: true }), [1, 2, 3]);
    assert.deepEqual(await imap.search({ or: [{ subject: 'Message 1' }, { subject: 'Second' }] }), [1, 2]);
    assert.deepEqual(await imap.search({ since: new Date('2020-01-01'), larger: 10 }), [1, 2, 3]);

    assert.ok(await imap.messageFlagsAdd('1', ['\\Flagged', '$Important']));
    assert.ok(await imap.messageFlagsRemove('1', ['$Important']));
    assert.ok(await imap.messageFlagsSet('2', ['\\Seen']));
    const flags = await imap.fetchAll('1:2', { flags: true });
    assert.deepEqual(flags.map((m) => [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort()), [['\\Flagged'], ['\\Seen']]);

    const copied = await imap.messageCopy('1', 'Trash');
    assert.ok(copied && copied.uidMap?.get(1) === 1);
    const moved = await imap.messageMove('3', 'Junk');
    assert.ok(moved && moved.uidMap?.get(3) === 1);
    assert.ok(await imap.messageDelete('2'));
    assert.equal(imap.mailbox && imap.mailbox.exists, 1);

    // IDLE: a delivery wakes it with EXISTS.
    const exists = new Promise<number>((resolve) => imap.once('exists', (data) => resolve(data.count)));
    const idling = imap.idle();
    await new Promise((r) => setTimeout(r, 100));
    await deliver(lab, 'user1@st.um', [sampleMessage(6)]);
    assert.equal(await within(2000, 'EXISTS during IDLE', exists), 2);
    await imap.noop();
    await idling;
  } finally {
    lock.release();
  }
  await imap.logout();
});

test('imapflow over IMAPS, and with LOGIN forced', async (t) => {
  const lab = await startImapLab();
  t.after(() => lab.dispose());
  const secure = client(lab, { port: lab.endpoint('imaps').port, secure: true });
  await secure.connect();
  assert.equal((await secure.status('INBOX', { messages: true })).messages, 0);
  await secure.logout();
  const login = client(lab, { auth: { user: 'user1@st.um', pass: 'password', loginMethod: 'LOGIN' }, doSTARTTLS: false });
  await login.connect();
  assert.ok((await login.list()).length >= 5);
  await login.logout();
  const wrong = client(lab, { auth: { user: 'user1', pass: 'nope' }, doSTARTTLS: false });
  await assert.rejects(wrong.connect());
  wrong.close();
});
