import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deliverToMaildir } from '../../src/mail/store/index.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { maildirMessages } from '../helpers/maildir.js';
import { hasCommand, run } from '../helpers/run.js';

const crlf = (text: string): Buffer => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');

/** Real clients nobody here wrote: Python's poplib, curl and fetchmail. */
describe('POP3 with real clients', () => {
  let lab: TestLab;
  let port: number;
  let ca: string;
  let work: string;
  before(async () => {
    lab = await startTestLab();
    port = lab.endpoint('pop3').port;
    ca = join(lab.dataDir.root, 'pki', 'ca.pem');
    work = await mkdtemp(join(tmpdir(), 'wirelab-pop3-clients-'));
  });
  after(async () => {
    await lab.dispose();
    await rm(work, { recursive: true, force: true });
  });

  it("Python's poplib: STLS with the lab CA, every RFC 1939 command, RETR byte for byte", async (t) => {
    if (!hasCommand('python3')) return t.skip('python3 not installed');
    const maildir = lab.dataDir.maildirOf('user1@st.um');
    await deliverToMaildir(maildir, crlf('Subject: one\n\n.starts with a dot\nline two\n'));
    await deliverToMaildir(maildir, crlf('Subject: two\n\nsecond message\n'));
    const stored = (await maildirMessages(maildir)).map((m) => m.bytes);
    const script = `
import poplib, ssl, sys, json
port, cafile = int(sys.argv[1]), sys.argv[2]
p = poplib.POP3('127.0.0.1', port, timeout=10)
out = {'welcome': p.getwelcome().decode(), 'capa': sorted(p.capa().keys())}
p.stls(ssl.create_default_context(cafile=cafile))
out['user'] = p.user('user1').decode()
out['pass'] = p.pass_('password').decode()
out['stat'] = list(p.stat())
out['list'] = [l.decode() for l in p.list()[1]]
out['uidl'] = [l.decode() for l in p.uidl()[1]]
out['retr'] = [b'\\r\\n'.join(p.retr(i)[1]).decode() + '\\r\\n' for i in (1, 2)]
out['top'] = [l.decode() for l in p.top(1, 0)[1]]
out['noop'] = p.noop().decode()
out['dele'] = p.dele(2).decode()
out['rset'] = p.rset().decode()
out['dele2'] = p.dele(2).decode()
out['quit'] = p.quit().decode()
print(json.dumps(out))
`;
    const res = await run('python3', ['-c', script, String(port), ca], { timeoutMs: 30_000 });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.equal(out.welcome, '+OK wirelab ready.');
    assert.deepEqual(out.capa, ['AUTH-RESP-CODE', 'CAPA', 'IMPLEMENTATION', 'PIPELINING', 'RESP-CODES', 'SASL', 'STLS', 'TOP', 'UIDL', 'USER']);
    assert.equal(out.pass, '+OK Logged in.');
    assert.deepEqual(out.stat, [2, stored[0]!.length + stored[1]!.length]);
    assert.deepEqual(out.list, [`1 ${stored[0]!.length}`, `2 ${stored[1]!.length}`]);
    assert.equal((out.uidl as string[]).length, 2);
    assert.deepEqual(out.retr, stored.map((b) => b.toString('utf8')), 'poplib un-stuffs; the bytes are the stored ones');
    assert.deepEqual(out.top, ['Subject: one', '']);
    assert.equal(out.quit, '+OK Logging out, messages deleted.');
    const left = await maildirMessages(maildir);
    assert.equal(left.length, 1);
    assert.ok(left[0]!.bytes.equals(stored[0]!));
    assert.match(left[0]!.name, /^cur\/.*:2,S$/, 'RETR marked the message \\Seen at QUIT, as Dovecot does');
  });

  it("poplib over POP3S (995's port) with AUTH PLAIN", async (t) => {
    if (!hasCommand('python3')) return t.skip('python3 not installed');
    const script = `
import poplib, ssl, sys, base64
p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ssl.create_default_context(cafile=sys.argv[2]), timeout=10)
print(p._shortcmd('AUTH PLAIN ' + base64.b64encode(b'\\0user1@st.um\\0password').decode()).decode())
print(p.stat()[0])
p.quit()
`;
    const res = await run('python3', ['-c', script, String(lab.endpoint('pop3s').port), ca], { timeoutMs: 30_000 });
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdout.trim().split('\n'), ['+OK Logged in.', '1']);
  });

  it('curl pop3:// lists, retrieves (un-stuffed, byte for byte), runs UIDL and DELE; STLS with --ssl-reqd', async (t) => {
    if (!hasCommand('curl')) return t.skip('curl not installed');
    const maildir = lab.dataDir.maildirOf('user2@st.um');
    const message = crlf('From: user1@st.um\nSubject: curl\n\n.dot first\n..two dots\nend\n');
    await deliverToMaildir(maildir, message);
    const url = `pop3://127.0.0.1:${port}`;
    const listing = await run('curl', ['-sS', '--user', 'user2:password', `${url}/`]);
    assert.equal(listing.code, 0, listing.stderr);
    assert.equal(listing.stdout, `1 ${message.length}\r\n`);
    const retrieved = await run('curl', ['-sS', '--user', 'user2:password', `${url}/1`]);
    assert.equal(retrieved.code, 0, retrieved.stderr);
    assert.equal(retrieved.stdout, message.toString());
    const uidl = await run('curl', ['-sS', '--user', 'user2:password', '-X', 'UIDL', `${url}/`]);
    assert.match(uidl.stdout, /^1 [0-9a-f]{16}\r\n$/);
    const secure = await run('curl', ['-sS', '--ssl-reqd', '--cacert', ca, '--user', 'user2:password', `${url}/1`]);
    assert.equal(secure.code, 0, secure.stderr);
    assert.equal(secure.stdout, message.toString());
    const implicit = await run('curl', ['-sS', '--cacert', ca, '--user', 'user2:password', `pop3s://127.0.0.1:${lab.endpoint('pop3s').port}/1`]);
    assert.equal(implicit.stdout, message.toString(), implicit.stderr);
    const dele = await run('curl', ['-sS', '--user', 'user2:password', '-X', 'DELE', '-I', `${url}/1`]);
    assert.equal(dele.code, 0, dele.stderr);
    assert.equal((await maildirMessages(maildir)).length, 0);
  });

  it('fetchmail: verifies the lab certificate over STLS, keeps and skips seen messages by UIDL, then fetches and deletes', async (t) => {
    if (!hasCommand('fetchmail')) return t.skip('fetchmail not installed (apt-get install fetchmail)');
    const maildir = lab.dataDir.maildirOf('user3@um.es');
    await deliverToMaildir(maildir, crlf('From: user1@st.um\nSubject: first\n\nhello 1\n'));
    await deliverToMaildir(maildir, crlf('From: user1@st.um\nSubject: second\n\nhello 2\n'));
    const home = await mkdtemp(join(work, 'fetchmail-'));
    const mbox = join(home, 'delivered');
    const rc = (keep: boolean): string =>
      [
        'set no syslog',
        `poll st.um via 127.0.0.1 with proto POP3 port ${port} uidl`,
        `  user 'user3' there with password 'password' is root here`,
        `  sslcertfile '${ca}' sslcertck sslcommonname 'st.um'`,
        `  mda "/bin/sh -c 'cat >> ${mbox}'"`,
        `  ${keep ? 'keep' : 'nokeep fetchall'}`,
        '',
      ].join('\n');
    const fetch = async (keep: boolean): Promise<string> => {
      await writeFile(join(home, 'fetchmailrc'), rc(keep));
      await chmod(join(home, 'fetchmailrc'), 0o600);
      const res = await run('fetchmail', ['-v', '-f', join(home, 'fetchmailrc'), '--idfile', join(home, 'ids'), '--pidfile', join(home, 'pid')], {
        env: { ...process.env, HOME: home, FETCHMAILHOME: home },
        timeoutMs: 60_000,
      });
      // fetchmail exits 0 when it fetched mail and 1 when there was none.
      assert.ok(res.code === 0 || res.code === 1, `fetchmail exited ${res.code}: ${res.stdout}${res.stderr}`);
      return res.stdout + res.stderr;
    };
    const first = await fetch(true);
    assert.match(first, /STLS/);
    assert.match(first, /2 messages/);
    assert.equal((await readFile(mbox, 'utf8')).match(/^Subject: /gm)?.length, 2);
    const second = await fetch(true);
    assert.match(second, /2 messages \(2 seen\)|No mail for user3/);
    assert.equal((await readFile(mbox, 'utf8')).match(/^Subject: /gm)?.length, 2, 'UIDL told fetchmail nothing is new');
    await fetch(false);
    assert.equal((await maildirMessages(maildir)).length, 0, 'with nokeep fetchall, fetchmail fetches again and deletes');
    const delivered = await readFile(mbox, 'utf8');
    assert.ok(delivered.includes('Subject: first') && delivered.includes('hello 2'));
  });
});
