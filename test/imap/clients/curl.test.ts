import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasCommand, run } from '../../helpers/run.js';
import { deliver, sampleMessage, startImapLab } from '../helpers/imap-lab.js';
import { loggedIn, untagged } from '../helpers/raw-client.js';

test('curl imap:// and imaps://: LIST, UID FETCH with \\Seen, SEARCH, custom commands, APPEND by upload, STARTTLS, SASL PLAIN', async (t) => {
  if (!hasCommand('curl')) return t.skip('curl not installed');
  const lab = await startImapLab();
  t.after(() => lab.dispose());
  const messages = [sampleMessage(1), sampleMessage(2, { subject: 'Second' })];
  await deliver(lab, 'user1@st.um', messages);
  const base = `imap://127.0.0.1:${lab.endpoint('imap').port}`;
  const curl = async (...args: string[]): Promise<string> => {
    const result = await run('curl', ['-sS', '--max-time', '20', '-u', 'user1:password', ...args], { timeoutMs: 30_000 });
    assert.equal(result.code, 0, `curl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  assert.match(await curl(`${base}/`), /^\* LIST \(\\HasNoChildren\) "\." "?INBOX"?\r$/m);
  assert.equal(await curl(`${base}/INBOX;UID=2`), messages[1]!.toString('latin1'), 'imap://host/INBOX;UID=n is UID FETCH n BODY[]');
  assert.equal(await curl(`${base}/INBOX/;UID=1/;SECTION=HEADER.FIELDS%20(SUBJECT)`), 'Subject: Message 1\r\n\r\n');
  assert.match(await curl(`${base}/INBOX?SUBJECT%20Second`), /^\* SEARCH 2\r$/m);
  assert.match(await curl(`${base}/INBOX`, '-X', 'UID FETCH 1:* (FLAGS)'), /\* 2 FETCH \(UID 2 FLAGS \(\\Seen/);
  assert.match(await curl(`${base}/`, '-X', 'STATUS INBOX (MESSAGES)'), /\* STATUS "INBOX" \(MESSAGES 2\)/);
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-curl-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const upload = join(dir, 'mail.eml');
  const sent = sampleMessage(3, { subject: 'Uploaded' });
  await writeFile(upload, sent);
  await curl(`${base}/Sent`, '-T', upload);
  assert.equal(await curl(`${base}/Sent;UID=1`), sent.toString('latin1'));
  assert.match(await curl('--ssl-reqd', '-k', `${base}/`, '-X', 'CAPABILITY'), /\* CAPABILITY IMAP4rev1 /, 'STARTTLS, then login inside TLS');
  assert.ok(lab.transcripts.list().some((c) => c.open.kind === 'imap' && c.events.some((e) => e.type === 'tls')), 'a TLS upgrade was recorded');
  assert.match(await curl('-k', `imaps://127.0.0.1:${lab.endpoint('imaps').port}/INBOX?ALL`), /^\* SEARCH 1 2\r$/m);
  assert.match(await curl('--login-options', 'AUTH=PLAIN', `${base}/INBOX?ALL`), /^\* SEARCH 1 2\r$/m);

  const check = await loggedIn(lab.endpoint('imap').port, 'user1');
  try {
    await check.command('e1', 'EXAMINE INBOX');
    assert.deepEqual(untagged(await check.command('e2', 'FETCH 1:2 FLAGS')).map((l) => l.includes('\\Seen')), [true, true], 'curl’s UID FETCH BODY[] set \\Seen');
  } finally {
    check.close();
  }
  const transcripts = lab.transcripts.list().filter((c) => c.open.kind === 'imap');
  const said = transcripts.flatMap((c) => c.events.flatMap((e) => (e.type === 'data' && e.from === 'client' ? [e.redacted ?? e.bytes.toString('latin1')] : [])));
  assert.ok(said.some((l) => /AUTHENTICATE PLAIN \*+/.test(l)), 'curl logs in with AUTHENTICATE PLAIN when AUTH=PLAIN is offered');
});
