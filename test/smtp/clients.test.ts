import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { waitForMessages } from '../helpers/maildir.js';
import { hasCommand, run } from '../helpers/run.js';
import { RawSmtp } from '../helpers/smtp-client.js';

/** Real clients nobody here wrote: swaks, curl and Python's smtplib. */
describe('SMTP with real clients', () => {
  let lab: TestLab;
  let smtp: number;
  let submission: number;
  before(async () => {
    lab = await startTestLab();
    smtp = lab.endpoint('smtp').port;
    submission = lab.endpoint('submission').port;
  });
  after(() => lab.dispose());

  it('swaks delivers to user2 on port 25, as the README says', async (t) => {
    if (!hasCommand('swaks')) return t.skip('swaks not installed (apt-get install swaks)');
    const before = (await waitForMessages(lab.dataDir.maildirOf('user2@st.um'), 0)).length;
    const res = await run('swaks', ['--server', `127.0.0.1:${smtp}`, '--to', 'user2@st.um', '--from', 'user1@st.um', '--header', 'Subject: via swaks']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /<- +250 2\.0\.0 Ok: queued as [0-9A-F]{12}/);
    const messages = await waitForMessages(lab.dataDir.maildirOf('user2@st.um'), before + 1);
    assert.ok(messages.some((m) => m.name.startsWith('new/') && m.bytes.includes('Subject: via swaks')));
  });

  it('swaks authenticates with PLAIN and LOGIN on submission and pipelines', async (t) => {
    if (!hasCommand('swaks')) return t.skip('swaks not installed');
    for (const mechanism of ['PLAIN', 'LOGIN']) {
      const res = await run('swaks', [
        '--server', `127.0.0.1:${submission}`, '--to', 'user3@um.es', '--from', 'user1@st.um',
        '--auth', mechanism, '--auth-user', 'user1@st.um', '--auth-password', 'password', '--pipeline',
      ]);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assert.match(res.stdout, /235 2\.7\.0 Authentication successful/);
      assert.match(res.stdout, /250 2\.0\.0 Ok: queued as/);
    }
  });

  it('curl smtp:// sends a file, EHLO from the URL path, dot-stuffing done by curl', async (t) => {
    if (!hasCommand('curl')) return t.skip('curl not installed');
    const body = 'From: user1@st.um\r\nTo: user2@st.um\r\nSubject: via curl\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n';
    const res = await run('curl', ['-sS', `smtp://127.0.0.1:${smtp}/client.example`, '--mail-from', 'user1@st.um', '--mail-rcpt', 'user2@st.um', '-T', '-'], { input: body });
    assert.equal(res.code, 0, res.stderr);
    const messages = await waitForMessages(lab.dataDir.maildirOf('user2@st.um'), 1);
    const message = messages.map((m) => m.bytes.toString()).find((m) => m.includes('Subject: via curl'));
    assert.ok(message);
    assert.ok(message.includes('Received: from client.example '), 'EHLO name from the URL path');
    assert.ok(message.endsWith(body), 'the body, un-stuffed, byte for byte');
  });

  it("Python's smtplib: send_message with 8-bit UTF-8, login on submission, VRFY, RSET", async (t) => {
    if (!hasCommand('python3')) return t.skip('python3 not installed');
    const script = `
import smtplib, sys
from email.message import EmailMessage
port, sub = int(sys.argv[1]), int(sys.argv[2])
m = EmailMessage()
m['From'] = 'user1@st.um'; m['To'] = 'user2@st.um'; m['Subject'] = 'Grüße aus Murcia'
m.set_content('¡Hola! Ünïcödé body ✓\\n', cte='8bit')
with smtplib.SMTP('127.0.0.1', port) as s:
    s.ehlo('py.example')
    assert s.has_extn('8bitmime') and s.has_extn('smtputf8') and s.has_extn('pipelining')
    print('vrfy', s.verify('user2')[0])
    print('rset', s.rset()[0])
    print('refused', s.send_message(m))
with smtplib.SMTP('127.0.0.1', sub) as s:
    s.ehlo('py.example')
    s.login('user1@st.um', 'password')
    print('refused', s.sendmail('user1@st.um', ['user2@st.um', 'user3@um.es'], b'Subject: two\\r\\n\\r\\nto two\\r\\n'))
    try:
        s.login('user1@st.um', 'password')
    except smtplib.SMTPException as e:
        print('relogin', e)
`;
    const res = await run('python3', ['-c', script, String(smtp), String(submission)]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /vrfy 252/);
    assert.match(res.stdout, /rset 250/);
    assert.equal((res.stdout.match(/refused \{\}/g) ?? []).length, 2);
    const messages = await waitForMessages(lab.dataDir.maildirOf('user2@st.um'), 1);
    const utf8 = messages.map((m) => m.bytes).find((b) => b.includes('¡Hola! Ünïcödé body ✓'));
    assert.ok(utf8, 'the 8-bit body arrived byte-exact');
  });

  it('pipelining: a whole transaction in one packet gets every reply in order', async () => {
    const { client } = await RawSmtp.connect(smtp);
    client.socket.write(
      'EHLO pipe.example\r\nMAIL FROM:<user1@st.um>\r\nRCPT TO:<user2@st.um>\r\nRCPT TO:<ghost@st.um>\r\nRCPT TO:<user1@st.um>\r\nDATA\r\nSubject: piped\r\n\r\n..stuffed\r\n.\r\nQUIT\r\n',
    );
    const replies: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await client.reader.reply();
      replies.push(r[r.length - 1]!.slice(0, 3));
    }
    assert.deepEqual(replies, ['250', '250', '250', '550', '250', '354', '250', '221']);
    client.close();
    const messages = await waitForMessages(lab.dataDir.maildirOf('user1@st.um'), 1);
    assert.ok(messages.some((m) => m.bytes.toString().endsWith('Subject: piped\r\n\r\n.stuffed\r\n')));
  });

  it('a line "." after a bare LF does not end the message (no SMTP smuggling); bare LF is stored as CRLF', async () => {
    const { client } = await RawSmtp.connect(smtp);
    await client.send('HELO st.um');
    await client.send('MAIL FROM:<user1@st.um>');
    await client.send('RCPT TO:<user2@st.um>');
    await client.send('DATA');
    client.socket.write('Subject: smuggle\r\n\r\nfirst\n.\r\nMAIL FROM:<evil@example.com>\r\n');
    const reply = await client.last('.');
    assert.match(reply, /^250 2\.0\.0 Ok: queued as /);
    client.close();
    const messages = await waitForMessages(lab.dataDir.maildirOf('user2@st.um'), 1);
    const stored = messages.map((m) => m.bytes.toString()).find((m) => m.includes('Subject: smuggle'));
    // The "." line is content; un-stuffing takes its dot like any other line's leading dot.
    assert.ok(stored?.endsWith('Subject: smuggle\r\n\r\nfirst\r\n\r\nMAIL FROM:<evil@example.com>\r\n'), stored);
  });

  it('a 25 MB message is accepted and stored whole', async () => {
    const { client } = await RawSmtp.connect(smtp);
    await client.send('EHLO big.example');
    await client.send('MAIL FROM:<user1@st.um> SIZE=26300000');
    await client.send('RCPT TO:<user1@st.um>');
    assert.match(await client.last('DATA'), /^354 /);
    const line = `${'A'.repeat(74)}\r\n`;
    const lines = Math.ceil((25 * 1024 * 1024) / line.length);
    const chunk = Buffer.from(line.repeat(1000));
    client.socket.write('Subject: 25 MB\r\n\r\n');
    for (let i = 0; i < lines / 1000; i++) {
      if (!client.socket.write(chunk)) await new Promise((r) => client.socket.once('drain', r));
    }
    const reply = await client.send('.', 60_000);
    assert.match(reply[0]!, /^250 2\.0\.0 Ok: queued as /);
    client.close();
    const messages = await waitForMessages(lab.dataDir.maildirOf('user1@st.um'), 1);
    const big = messages.find((m) => m.bytes.length > 25 * 1024 * 1024);
    assert.ok(big, 'a message over 25 MB is in the Maildir');
    assert.ok(big.bytes.subarray(big.bytes.length - line.length).toString() === line);
  });
});
