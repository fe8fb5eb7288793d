import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasCommand, run } from '../../helpers/run.js';
import { deliver, sampleMessage, startImapLab } from '../helpers/imap-lab.js';
import { loggedIn, untagged } from '../helpers/raw-client.js';

test('mutt in batch mode over IMAP: reads INBOX, flags, copies to a folder, deletes and expunges on sync', async (t) => {
  if (!hasCommand('mutt') || !hasCommand('script')) return t.skip('mutt (or script, for its terminal) not installed');
  const lab = await startImapLab();
  t.after(() => lab.dispose());
  const port = lab.endpoint('imap').port;
  await deliver(lab, 'user1@st.um', [1, 2, 3].map((n) => sampleMessage(n)));
  const setup = await loggedIn(port, 'user1');
  await setup.command('c', 'CREATE Work');
  setup.close();

  const dir = await mkdtemp(join(tmpdir(), 'wirelab-mutt-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const muttrc = join(dir, 'muttrc');
  await writeFile(
    muttrc,
    `set folder="imap://user1@127.0.0.1:${port}/"
set spoolfile="+INBOX"
set imap_user="user1"
set imap_pass="password"
set imap_authenticators="plain"
set ssl_starttls=no
set ssl_force_tls=no
set confirmappend=no
set confirmcreate=no
set delete=yes
set quit=yes
set move=no
set mark_old=no
set sort=date
set header_cache=""
set message_cachedir=""
`,
  );
  // mutt needs a terminal: script(1) gives it one; the keys are pushed, so nobody types.
  const keys = [
    '<limit>~s Message.1<enter><flag-message><limit>all<enter>',
    '<tag-pattern>~s Message.3<enter><tag-prefix><copy-message>=Work<enter>',
    '<delete-pattern>~s Message.2<enter>',
    '<sync-mailbox><quit>',
  ].join('');
  const result = await run('script', ['-qec', `mutt -n -F ${muttrc} -e 'push "${keys}"'`, '/dev/null'], {
    timeoutMs: 60_000,
    env: { ...process.env, TERM: 'xterm', COLUMNS: '120', LINES: '40' },
  });
  assert.equal(result.code, 0, `mutt failed: ${result.stdout.slice(-500)} ${result.stderr}`);

  const check = await loggedIn(port, 'user1');
  try {
    await check.command('s1', 'SELECT INBOX');
    const inbox = untagged(await check.command('s2', 'FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])'));
    assert.equal(inbox.length, 2, 'mutt deleted message 2 and expunged it on sync');
    assert.ok(inbox.some((r) => r.includes('Subject: Message 1') && r.includes('\\Flagged')), inbox.join(' | '));
    assert.ok(!inbox.some((r) => r.includes('Subject: Message 2')));
    await check.command('s3', 'SELECT Work');
    assert.match(untagged(await check.command('s4', 'FETCH 1:* BODY.PEEK[HEADER.FIELDS (SUBJECT)]')).join('\n'), /Subject: Message 3/);
  } finally {
    check.close();
  }
});
