import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasCommand, run } from '../../helpers/run.js';
import { deliver, sampleMessage, startImapLab } from '../helpers/imap-lab.js';

/**
 * Python's imaplib drives every RFC 3501 command it has, plus UID MOVE/EXPUNGE, UNSELECT, ENABLE
 * and AUTHENTICATE PLAIN; it prints what it got as JSON for the assertions below.
 */
const SCRIPT = String.raw`
import imaplib, json, sys
port = int(sys.argv[1])
out = {}
def s(x):
    if isinstance(x, bytes): return x.decode('latin-1')
    if isinstance(x, (list, tuple)): return [s(i) for i in x]
    return x

M = imaplib.IMAP4('127.0.0.1', port)
out['capabilities'] = sorted(M.capabilities)
out['noop_before_login'] = s(M.noop())
out['login'] = s(M.login('user1', 'password'))
out['capability'] = s(M.capability())
out['list'] = s(M.list())
out['create'] = s(M.create('Archive'))
out['create_child'] = s(M.create('Archive.2024'))
out['rename'] = s(M.rename('Archive.2024', 'Archive.Old'))
out['subscribe'] = s(M.subscribe('Archive'))
out['lsub'] = s(M.lsub('""', 'Arch*'))
out['unsubscribe'] = s(M.unsubscribe('Archive'))
out['status'] = s(M.status('INBOX', '(MESSAGES UNSEEN UIDNEXT)'))
out['enable'] = s(M.enable('CONDSTORE'))
out['append'] = s(M.append('Archive', '(\\Seen)', imaplib.Time2Internaldate(1700000000), b'From: py@um.es\r\nSubject: appended\r\n\r\nfrom imaplib\r\n'))
out['examine'] = s(M.select('INBOX', readonly=True))
out['examine_fetch'] = s(M.fetch('1', '(FLAGS)'))
out['select'] = s(M.select('INBOX'))
out['search'] = s(M.search(None, 'UNSEEN'))
out['search_charset'] = s(M.search('UTF-8', 'SUBJECT', '"Message 2"'))
out['fetch_body'] = s(M.fetch('1', '(BODY[])'))
out['fetch_many'] = s(M.fetch('1:3', '(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (SUBJECT)])'))
out['store'] = s(M.store('2', '+FLAGS', '(\\Flagged)'))
out['uid_search'] = s(M.uid('SEARCH', 'FLAGGED'))
out['uid_fetch'] = s(M.uid('FETCH', '2', '(FLAGS)'))
out['uid_store'] = s(M.uid('STORE', '3', '+FLAGS', '(\\Deleted)'))
out['copy'] = s(M.copy('1:2', 'Archive'))
out['uid_copy'] = s(M.uid('COPY', '1', 'Trash'))
out['uid_move'] = s(M.uid('MOVE', '4', 'Junk'))
out['check'] = s(M.check())
out['uid_expunge'] = s(M.uid('EXPUNGE', '3'))
out['expunge'] = s(M.expunge())
out['namespace'] = s(M.namespace())
out['unselect'] = s(M.unselect())
out['select_archive'] = s(M.select('Archive'))
out['store_deleted'] = s(M.store('1', '+FLAGS.SILENT', '(\\Deleted)'))
out['close'] = s(M.close())
out['status_archive'] = s(M.status('Archive', '(MESSAGES)'))
out['delete_child'] = s(M.delete('Archive.Old'))
try:
    M.login('again', 'x')
except Exception as e:
    out['second_login'] = str(e)
out['logout'] = s(M.logout())

A = imaplib.IMAP4('127.0.0.1', port)
out['authenticate'] = s(A.authenticate('PLAIN', lambda challenge: b'\0user2\0password'))
out['auth_select'] = s(A.select('INBOX'))
A.logout()

B = imaplib.IMAP4('127.0.0.1', port)
try:
    B.login('user1', 'wrong')
except imaplib.IMAP4.error as e:
    out['bad_login'] = str(e)
out['retry_login'] = s(B.login('user1@st.um', 'password'))
B.logout()
print(json.dumps(out))
`;

test('Python imaplib: every command it knows, byte-exact BODY[], AUTHENTICATE PLAIN, a failed login then a good one', async (t) => {
  if (!hasCommand('python3')) return t.skip('python3 not installed');
  const lab = await startImapLab();
  t.after(() => lab.dispose());
  const messages = [1, 2, 3, 4].map((n) => sampleMessage(n));
  await deliver(lab, 'user1@st.um', messages);
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-imaplib-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'client.py'), SCRIPT);
  const result = await run('python3', [join(dir, 'client.py'), String(lab.endpoint('imap').port)], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as Record<string, [string, unknown[]] | string[] | string>;
  const status = (key: string): string => (out[key] as [string, unknown[]])[0];

  assert.ok((out.capabilities as string[]).includes('IMAP4REV1'));
  for (const key of ['noop_before_login', 'login', 'capability', 'list', 'create', 'create_child', 'rename', 'subscribe', 'lsub', 'unsubscribe', 'status', 'enable', 'append', 'examine', 'examine_fetch', 'select', 'search', 'search_charset', 'fetch_body', 'fetch_many', 'store', 'uid_search', 'uid_fetch', 'uid_store', 'copy', 'uid_copy', 'uid_move', 'check', 'uid_expunge', 'expunge', 'namespace', 'unselect', 'select_archive', 'store_deleted', 'close', 'status_archive', 'delete_child', 'logout', 'authenticate', 'auth_select', 'retry_login']) {
    assert.ok(['OK', 'BYE'].includes(status(key)), `${key}: ${JSON.stringify(out[key])}`);
  }
  assert.deepEqual((out.select as [string, string[]])[1], ['4']);
  assert.deepEqual((out.search as [string, string[]])[1], ['1 2 3 4']);
  assert.deepEqual((out.search_charset as [string, string[]])[1], ['2']);
  const body = (out.fetch_body as [string, [string, string][]])[1][0]!;
  assert.equal(body[0], '1 (BODY[] {' + messages[0]!.length + '}');
  assert.equal(body[1], messages[0]!.toString('latin1'), 'BODY[] is the stored bytes exactly');
  assert.match(JSON.stringify(out.fetch_many), /BODYSTRUCTURE \(\\"text\\" \\"plain\\"/);
  assert.match(JSON.stringify(out.append), /APPENDUID \d+ 1/);
  assert.match(JSON.stringify(out.copy), /COPYUID \d+ 1:2 2:3/);
  assert.deepEqual((out.uid_search as [string, string[]])[1], ['2']);
  assert.deepEqual((out.status_archive as [string, string[]])[1], ['"Archive" (MESSAGES 2)']);
  assert.match(out.second_login as string, /LOGIN.*(illegal in state|state)/i);
  assert.match(out.bad_login as string, /AUTHENTICATIONFAILED/);
});
