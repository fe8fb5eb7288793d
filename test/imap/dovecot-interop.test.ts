import assert from 'node:assert/strict';
import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { startTestLab } from '../helpers/lab.js';
import { CORPUS } from '../mime/corpus.js';
import { dovecotInstalled, startDovecot } from '../helpers/dovecot.js';
import { loggedIn, type RawImap, tagged, untagged } from './helpers/raw-client.js';

/** Writes the same mailbox through whichever server `client` talks to: folders, messages, flags, keywords, an expunge. */
async function populate(client: RawImap): Promise<void> {
  const messages = [CORPUS.plain!, CORPUS.alternative!, CORPUS.mixedNested!, CORPUS.forwarded!];
  const flags = ['(\\Seen)', '(\\Flagged $Work)', '()', '(\\Answered \\Seen)'];
  for (const [i, m] of messages.entries()) {
    assert.match(tagged(await client.command('a', Buffer.concat([Buffer.from(`APPEND INBOX ${flags[i]} "01-Feb-2024 10:0${i}:00 +0000" {${m.length}+}\r\n`), m]))), /^a OK/);
  }
  assert.match(tagged(await client.command('c', 'CREATE Archive.2024')), /^c OK/);
  await client.command('s', 'SUBSCRIBE Archive.2024');
  await client.command('x', 'SELECT INBOX');
  await client.command('st', 'STORE 3 +FLAGS (\\Deleted $Later)');
  await client.command('mv', 'UID MOVE 4 Archive.2024');
  await client.command('ex', 'EXPUNGE');
  await client.command('cl', 'CLOSE');
}

/** What a client sees of the mailbox, in one canonical text: folders, counts, UIDs, flags, sizes, bytes and structure. */
async function snapshot(client: RawImap): Promise<string[]> {
  const out: string[] = [];
  const folders = untagged(await client.command('l', 'LIST "" *'))
    .map((l) => /(?:"([^"]+)"|([^" ]+))$/.exec(l)!.slice(1).join(''))
    .sort();
  out.push(`folders ${folders.join(' ')}`);
  for (const folder of folders) {
    // A name may come quoted or as an atom; both mean the same.
    out.push(...untagged(await client.command('s', `STATUS "${folder}" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)`)).map((l) => l.replace(/^\* STATUS "([^"]+)"/, '* STATUS $1')));
    await client.command('e', `EXAMINE "${folder}"`);
    for (const line of untagged(await client.command('f', 'UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE BODY.PEEK[])'))) {
      if (!line.includes(' FETCH ')) continue;
      const uid = /UID (\d+)/.exec(line)![1];
      const flags = /FLAGS \(([^)]*)\)/.exec(line)![1]!.split(' ').filter((f) => f && f !== '\\Recent').sort().join(' ');
      const size = /RFC822\.SIZE (\d+)/.exec(line)![1];
      const date = /INTERNALDATE "([^"]+)"/.exec(line)![1];
      const structure = /BODYSTRUCTURE (\(.*\)) BODY\[\]/s.exec(line)![1]!.replace(/\{\d+\}\r\n/g, '');
      const body = line.slice(line.indexOf('BODY[] {'));
      out.push(`${folder} uid=${uid} flags=${flags} size=${size} date=${date} structure=${structure} ${body}`);
    }
  }
  out.push(...untagged(await client.command('ls', 'LSUB "" *')).map((l) => l.replace(/ ([^" ]+)$/, ' "$1"')).sort());
  return out;
}

test('a Maildir Dovecot wrote is served by wirelab as Dovecot served it: UIDs, UIDVALIDITY, flags, keywords, bytes', async (t) => {
  if (!dovecotInstalled()) return t.skip('dovecot not installed (or not root)');
  const work = await mkdtemp(join(tmpdir(), 'wirelab-interop-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  // Dovecot's mail processes run as another user and must reach the Maildir.
  await chmod(work, 0o755);
  const dovecot = await startDovecot({ users: [{ name: 'user1', password: 'password' }], listen: { imap: true }, mailRoot: join(work, 'dovecot-mail') });
  let theirs: string[];
  try {
    const client = await loggedIn(dovecot.ports.imap!, 'user1');
    await populate(client);
    theirs = await snapshot(client);
    client.close();
  } finally {
    await dovecot.stop();
  }
  const dataDir = join(work, 'lab');
  const lab = await startTestLab({ dataDir, keepData: true, edit: (c) => void (c.services = { imap: { host: 'st.um' } }) });
  const target = lab.dataDir.maildirOf('user1@st.um');
  await lab.stop();
  await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  await cp(dovecot.maildirOf('user1'), target, { recursive: true, preserveTimestamps: true });
  const served = await startTestLab({ dataDir, keepData: true, edit: (c) => void (c.services = { imap: { host: 'st.um' } }) });
  t.after(() => served.stop());
  const client = await loggedIn(served.endpoint('imap').port, 'user1');
  const ours = await snapshot(client);
  client.close();
  // Folders wirelab creates for every user (special use) are the only addition.
  assert.deepEqual(ours.filter((l) => !/^(\* STATUS (Drafts|Junk|Sent|Trash) |\* LSUB \(\) "\." "(Drafts|Junk|Sent|Trash)")/.test(l)).map((l) => l.replace(/^folders .*/, 'folders')), theirs.map((l) => l.replace(/^folders .*/, 'folders')));
  assert.match(ours[0]!, /^folders Archive Archive\.2024 Drafts INBOX Junk Sent Trash$/);
});

test('a Maildir wirelab wrote is read by Dovecot as wirelab serves it', async (t) => {
  if (!dovecotInstalled()) return t.skip('dovecot not installed (or not root)');
  const work = await mkdtemp(join(tmpdir(), 'wirelab-interop-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  // Dovecot's mail processes run as another user and must reach the Maildir.
  await chmod(work, 0o755);
  const lab = await startTestLab({ dataDir: join(work, 'lab'), keepData: true, edit: (c) => void (c.services = { imap: { host: 'st.um' } }) });
  let ours: string[];
  try {
    const client = await loggedIn(lab.endpoint('imap').port, 'user1');
    await populate(client);
    ours = await snapshot(client);
    client.close();
  } finally {
    await lab.stop();
  }
  const mailRoot = join(work, 'dovecot-mail');
  await mkdir(join(mailRoot, 'user1'), { recursive: true });
  await cp(lab.dataDir.maildirOf('user1@st.um'), join(mailRoot, 'user1', 'Maildir'), { recursive: true, preserveTimestamps: true });
  const dovecot = await startDovecot({ users: [{ name: 'user1', password: 'password' }], listen: { imap: true }, mailRoot });
  t.after(() => dovecot.stop());
  const client = await loggedIn(dovecot.ports.imap!, 'user1');
  const theirs = await snapshot(client);
  client.close();
  assert.deepEqual(theirs, ours);
});
