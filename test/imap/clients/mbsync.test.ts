import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasCommand, run } from '../../helpers/run.js';
import { deliver, sampleMessage, startImapLab } from '../helpers/imap-lab.js';
import { loggedIn, tagged, untagged } from '../helpers/raw-client.js';

/** A local Maildir folder's messages: name → content without mbsync's X-TUID line, line ends as CRLF. */
async function localMessages(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const sub of ['new', 'cur']) {
    for (const name of await readdir(join(dir, sub)).catch(() => [] as string[])) {
      const text = (await readFile(join(dir, sub, name), 'latin1')).replace(/^X-TUID: .*\n/m, '').replace(/\r?\n/g, '\r\n');
      out.set(`${sub}/${name}`, text);
    }
  }
  return out;
}

test('mbsync syncs INBOX and a folder both ways: AUTHENTICATE PLAIN, stable UIDs, flags and expunges', async (t) => {
  if (!hasCommand('mbsync')) return t.skip('mbsync (isync) not installed');
  const lab = await startImapLab();
  t.after(() => lab.dispose());
  const port = lab.endpoint('imap').port;
  const inbox = [1, 2, 3].map((n) => sampleMessage(n));
  await deliver(lab, 'user1@st.um', inbox);
  const work = [sampleMessage(10, { subject: 'Work one' }), sampleMessage(11, { subject: 'Work two' })];
  const setup = await loggedIn(port, 'user1');
  await setup.command('c1', 'CREATE Work');
  for (const message of work) await setup.command('a', Buffer.concat([Buffer.from(`APPEND Work (\\Seen) {${message.length}+}\r\n`), message]));
  setup.close();

  const dir = await mkdtemp(join(tmpdir(), 'wirelab-mbsync-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const local = join(dir, 'mail');
  await mkdir(local, { recursive: true });
  const config = join(dir, 'mbsyncrc');
  await writeFile(
    config,
    `IMAPAccount lab
Host 127.0.0.1
Port ${port}
User user1
Pass password
SSLType None
AuthMechs PLAIN

IMAPStore lab-remote
Account lab

MaildirStore lab-local
Path ${local}/
Inbox ${local}/INBOX
SubFolders Verbatim

Channel lab
Far :lab-remote:
Near :lab-local:
Patterns INBOX Work
Create Near
Sync All
Expunge Both
SyncState *
`,
  );
  const sync = async (): Promise<void> => {
    const result = await run('mbsync', ['-c', config, '-a'], { timeoutMs: 60_000 });
    assert.equal(result.code, 0, `mbsync failed: ${result.stderr}${result.stdout}`);
  };

  await sync();
  const localInbox = await localMessages(join(local, 'INBOX'));
  assert.deepEqual([...localInbox.values()].sort(), inbox.map((m) => m.toString('latin1')).sort(), 'INBOX arrived byte for byte (modulo mbsync’s X-TUID and LF)');
  const localWork = await localMessages(join(local, 'Work'));
  assert.deepEqual([...localWork.values()].sort(), work.map((m) => m.toString('latin1')).sort());
  assert.ok([...localWork.keys()].every((name) => /:2,S$/.test(name)), `\\Seen came down as S: ${[...localWork.keys()].join(' ')}`);

  // Local changes go up: flag one message, trash another.
  const names = [...localInbox.keys()].sort();
  const flag = (name: string, letters: string): string => {
    const [sub, file] = name.split('/') as [string, string];
    const base = file.replace(/:2,.*$/, '');
    return join('cur', `${base}:2,${letters}`).replace(/^/, sub === 'new' ? '' : '');
  };
  await rename(join(local, 'INBOX', names[0]!), join(local, 'INBOX', flag(names[0]!, 'F')));
  await rename(join(local, 'INBOX', names[1]!), join(local, 'INBOX', flag(names[1]!, 'ST')));
  // A server change comes down: a new delivery.
  await deliver(lab, 'user1@st.um', [sampleMessage(4, { subject: 'Fourth' })]);
  await sync();

  const check = await loggedIn(port, 'user1');
  try {
    await check.command('s1', 'SELECT INBOX');
    const flags = untagged(await check.command('s2', 'UID FETCH 1:* (FLAGS)'));
    assert.equal(flags.length, 3, `one message expunged by mbsync: ${flags.join(' | ')}`);
    assert.ok(flags.some((l) => l.includes('\\Flagged')), flags.join(' | '));
    assert.ok(untagged(await check.command('s3', 'UID SEARCH ALL'))[0]!.startsWith('* SEARCH 1 3 4'));
  } finally {
    check.close();
  }
  assert.equal((await localMessages(join(local, 'INBOX'))).size, 3, 'the new message came down, the trashed one went');
  await sync();
  const again = await loggedIn(port, 'user1');
  assert.match(tagged(await again.command('x', 'STATUS INBOX (MESSAGES UIDNEXT)')), /^x OK/);
  again.close();
  assert.equal((await localMessages(join(local, 'INBOX'))).size, 3, 'a third run changes nothing (UIDVALIDITY and UIDs are stable)');
});
