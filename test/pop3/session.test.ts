import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { pop3Definition, pop3sDefinition } from '../../src/mail/pop3/index.js';
import { deliverToMaildir } from '../../src/mail/store/index.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { maildirMessages, waitForMessages } from '../helpers/maildir.js';
import { authPlain, RawSmtp } from '../helpers/smtp-client.js';
import { LineReader } from '../helpers/transcript.js';
import { RawPop3 } from './pop3-client.js';

const crlf = (text: string): Buffer => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');
const caOf = (lab: TestLab): Promise<string> => readFile(join(lab.dataDir.root, 'pki', 'ca.pem'), 'utf8');

describe('POP3 sessions', () => {
  let lab: TestLab;
  let port: number;
  const user2 = (): string => lab.dataDir.maildirOf('user2@st.um');
  before(async () => {
    lab = await startTestLab();
    port = lab.endpoint('pop3').port;
    for (let i = 1; i <= 3; i += 1) await deliverToMaildir(user2(), crlf(`Subject: ${i}\n\nbody ${i}\n`));
  });
  after(() => lab.dispose());

  it('locks the maildrop: a second session gets -ERR [IN-USE], and may log in once the first has quit', async () => {
    const first = await RawPop3.connect(port);
    assert.equal(await first.login(), '+OK Logged in.');
    const second = await RawPop3.connect(port);
    assert.equal(await second.login(), '-ERR [IN-USE] Mailbox is locked by another POP3 session.');
    assert.equal(await second.command('STAT'), '-ERR Log in first (USER and PASS, or AUTH).');
    assert.equal(await first.command('QUIT'), '+OK Logging out.');
    await second.command('USER user2');
    assert.equal(await second.command('PASS password'), '+OK Logged in.');
    assert.match(await second.command('STAT'), /^\+OK 3 \d+$/);
    assert.equal(await second.command('QUIT'), '+OK Logging out.');
    first.close();
    second.close();
  });

  it('a wrong password is -ERR [AUTH] after a pause, and the connection stays usable', async () => {
    const client = await RawPop3.connect(port);
    await client.line();
    await client.command('USER user2');
    const started = Date.now();
    assert.equal(await client.command('PASS wrong'), '-ERR [AUTH] Authentication failed.');
    assert.ok(Date.now() - started >= 1000, 'failures are slowed down');
    assert.equal(await client.command('PASS password'), '-ERR No username given.', 'a failed PASS forgets the USER');
    await client.command('USER user2@st.um');
    assert.equal(await client.command('PASS password'), '+OK Logged in.');
    assert.equal(await client.command('USER user2'), '-ERR Already logged in.');
    await client.command('QUIT');
    client.close();
  });

  it('deletions happen only in the UPDATE state: RSET undoes them, a dropped connection discards them', async () => {
    const client = await RawPop3.connect(port);
    await client.login();
    assert.equal(await client.command('DELE 1'), '+OK Marked to be deleted.');
    assert.equal(await client.command('DELE 1'), '-ERR Message is deleted.');
    assert.match(await client.command('STAT'), /^\+OK 2 /);
    assert.equal(await client.command('RSET'), '+OK');
    assert.match(await client.command('STAT'), /^\+OK 3 /);
    assert.equal(await client.command('DELE 2'), '+OK Marked to be deleted.');
    client.close();
    // The drop released the lock (once the server noticed the close); nothing was deleted.
    let again = await RawPop3.connect(port);
    for (let attempt = 0; (await again.login()) !== '+OK Logged in.'; attempt += 1) {
      again.close();
      assert.ok(attempt < 50, 'the lock of a dropped session was released');
      await new Promise((r) => setTimeout(r, 50));
      again = await RawPop3.connect(port);
    }
    assert.match(await again.command('STAT'), /^\+OK 3 /);
    await again.command('QUIT');
    again.close();
    assert.equal((await maildirMessages(user2())).length, 3);
  });

  it('UIDL ids are stable across sessions and survive the deletion of other messages', async () => {
    const ids = async (): Promise<string[]> => {
      const client = await RawPop3.connect(port);
      await client.login();
      assert.equal(await client.command('UIDL'), '+OK');
      const lines = await client.block();
      assert.match(await client.command('UIDL 1'), /^\+OK 1 [0-9a-f]{16}$/);
      await client.command('QUIT');
      client.close();
      return lines.map((l) => l.split(' ')[1]!);
    };
    const before = await ids();
    assert.equal(before.length, 3);
    assert.equal(new Set(before).size, 3);
    assert.deepEqual(await ids(), before);
  });

  it('AUTH PLAIN with an initial response or after "+ ", cancelled with *, mechanisms listed by AUTH alone', async () => {
    const client = await RawPop3.connect(port);
    await client.line();
    assert.equal(await client.command('AUTH'), '+OK');
    assert.deepEqual(await client.block(), ['PLAIN']);
    assert.equal(await client.command('AUTH CRAM-MD5'), '-ERR Unsupported authentication mechanism.');
    assert.equal(await client.command('AUTH PLAIN'), '+ ');
    assert.equal(await client.command('*'), '-ERR Authentication aborted by client.');
    assert.equal(await client.command('AUTH PLAIN !!!'), '-ERR Invalid base64 data in continued response');
    assert.equal(await client.command('AUTH PLAIN'), '+ ');
    assert.equal(await client.command(authPlain('user2', 'password')), '+OK Logged in.');
    await client.command('QUIT');
    client.close();
    const second = await RawPop3.connect(port);
    await second.line();
    assert.equal(await second.command(`AUTH PLAIN ${authPlain('user2@st.um', 'password')}`), '+OK Logged in.');
    await second.command('QUIT');
    second.close();
  });

  it('CAPA before and after login; commands out of state; APOP explained; unknown commands', async () => {
    const client = await RawPop3.connect(port);
    assert.equal(await client.line(), '+OK wirelab ready.', 'no APOP timestamp in the greeting');
    assert.equal(await client.command('CAPA'), '+OK');
    const before = await client.block();
    for (const capability of ['CAPA', 'TOP', 'UIDL', 'USER', 'SASL PLAIN', 'RESP-CODES', 'PIPELINING', 'AUTH-RESP-CODE']) assert.ok(before.includes(capability), capability);
    assert.equal(await client.command('RETR 1'), '-ERR Log in first (USER and PASS, or AUTH).');
    assert.equal(await client.command('APOP user2 c4c9334bac560ecc979e58001b3e22fb'), '-ERR APOP is not available: the directory keeps only password hashes.');
    assert.equal(await client.command('XTND XMIT'), '-ERR Unknown command: XTND');
    assert.equal(await client.command('PASS password'), '-ERR No username given.');
    await client.command('USER user2');
    await client.command('PASS password');
    assert.equal(await client.command('CAPA'), '+OK');
    const after = await client.block();
    assert.ok(!after.includes('USER') && !after.includes('STLS') && after.includes('TOP'));
    assert.equal(await client.command('LIST 0'), "-ERR There's no message 0.");
    assert.equal(await client.command('LIST 1 2'), '-ERR Syntax: LIST [msg]');
    assert.equal(await client.command('TOP 1'), '-ERR Syntax: TOP msg n');
    assert.equal(await client.command('RETR -1'), '-ERR Invalid message number: -1');
    assert.equal(await client.command('NOOP'), '+OK');
    assert.equal(await client.command('STLS'), '-ERR Already logged in.');
    await client.command('QUIT');
    client.close();
  });

  it('pipelined commands are answered in order (RFC 2449 PIPELINING)', async () => {
    const client = await RawPop3.connect(port);
    await client.line();
    client.reader.socket.write('USER user2\r\nPASS password\r\nSTAT\r\nLIST 2\r\nNOOP\r\nQUIT\r\n');
    const lines = [];
    for (let i = 0; i < 6; i += 1) lines.push(await client.line());
    assert.deepEqual(
      lines.map((l) => l.replace(/\d+/g, 'N')),
      ['+OK', '+OK Logged in.', '+OK N N', '+OK N N', '+OK', '+OK Logging out.'],
    );
    client.close();
  });

  it('multi-line answers are byte-stuffed: a body line starting with "." gets another, and a missing final CRLF is added', async () => {
    const md = lab.dataDir.maildirOf('user1@st.um');
    await deliverToMaildir(md, Buffer.from('Subject: dots\r\n\r\n.\r\n..two\r\n.leading\r\nno final line end'));
    const client = await RawPop3.connect(port);
    await client.login('user1');
    assert.match(await client.command('RETR 1'), /^\+OK \d+ octets$/);
    const raw: string[] = [];
    for (let line = await client.line(); line !== '.'; line = await client.line()) raw.push(line);
    assert.deepEqual(raw, ['Subject: dots', '', '..', '...two', '..leading', 'no final line end']);
    assert.equal(await client.command('LIST 1'), `+OK 1 ${'Subject: dots\r\n\r\n.\r\n..two\r\n.leading\r\nno final line end'.length}`);
    await client.command('DELE 1');
    assert.equal(await client.command('QUIT'), '+OK Logging out, messages deleted.');
    client.close();
  });

  it('a message sent over SMTP is read back over POP3 byte for byte', async () => {
    const body = 'From: user2@st.um\r\nTo: user1@st.um\r\nSubject: round trip\r\n\r\n.leading dot, stuffed twice on the way\r\nÜnïcödé 8-bit\r\n';
    const { client: smtp } = await RawSmtp.connect(lab.endpoint('smtp').port);
    await smtp.last('EHLO client.example');
    await smtp.last('MAIL FROM:<user2@st.um>');
    await smtp.last('RCPT TO:<user1@st.um>');
    assert.match(await smtp.last('DATA'), /^354/);
    assert.match(await smtp.last(Buffer.from(`${body.replace(/^\./gm, '..')}.\r\n`)), /^250/);
    smtp.close();
    const [stored] = await waitForMessages(lab.dataDir.maildirOf('user1@st.um'), 1);
    assert.ok(stored?.bytes.toString().endsWith(body));

    const client = await RawPop3.connect(port);
    await client.login('user1');
    assert.equal(await client.command('RETR 1'), `+OK ${stored.bytes.length} octets`);
    const lines = await client.block();
    assert.equal(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8').equals(stored.bytes), true);
    await client.command('QUIT');
    client.close();
  });

  it('the transcript shows the password only as ***', async () => {
    const client = await RawPop3.connect(port);
    await client.login('user2', 'password');
    await client.command('QUIT');
    client.close();
    const conversation = lab.transcripts.list().filter((c) => c.open.kind === 'pop3').pop()!;
    const redacted = conversation.events.filter((e) => e.type === 'data' && e.redacted !== undefined).map((e) => (e.type === 'data' ? e.redacted : ''));
    assert.deepEqual(redacted, ['PASS ***']);
    assert.ok(conversation.events.some((e) => e.type === 'note' && e.topic === 'state' && e.text === 'AUTHORIZATION → TRANSACTION'));
    assert.ok(conversation.events.some((e) => e.type === 'note' && e.topic === 'state' && e.text === 'TRANSACTION → UPDATE'));
  });

  it('limits: an overlong line is -ERR and the session goes on; ten bad commands end it', async () => {
    const client = await RawPop3.connect(port);
    await client.line();
    assert.equal(await client.command(`USER ${'x'.repeat(5000)}`), '-ERR Input line too long.');
    assert.equal(await client.command('USER user2'), '+OK');
    const answers = [];
    for (let i = 0; i < 9; i += 1) answers.push(await client.command('BOGUS'));
    assert.equal(answers.filter((a) => a === '-ERR Unknown command: BOGUS').length, 9);
    assert.equal(await client.line(), '-ERR Too many bad commands.');
    assert.equal(await client.line(), '(closed)');
    client.close();
  });

  it("the probe behind `wirelab test` (the seed's telnet check): greeting, CAPA, QUIT, on 110 and 995", async () => {
    const target = (name: string) => ({ ...lab.endpoint(name), hostName: 'st.um' });
    const plain = await pop3Definition.probe(target('pop3'));
    assert.deepEqual([plain.ok, plain.detail], [true, '+OK Logging out']);
    const secure = await pop3sDefinition.probe(target('pop3s'));
    assert.deepEqual([secure.ok, secure.detail], [true, '+OK Logging out']);
    const closed = await pop3Definition.probe({ address: '127.0.0.1', port: lab.endpoint('smtp').port, hostName: 'st.um' });
    assert.equal(closed.ok, false, 'an SMTP banner is not a POP3 greeting');
  });

  it('POP3S: TLS from the first byte, with the lab CA', async () => {
    const client = await RawPop3.connectTls(lab.endpoint('pop3s').port, await caOf(lab));
    assert.equal(await client.login(), '+OK Logged in.');
    assert.match(await client.command('STAT'), /^\+OK \d+ \d+$/);
    await client.command('QUIT');
    client.close();
  });
});

describe('POP3 when clear-text logins are off', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({
      edit: (config) => {
        config.mail = { ...config.mail, allowPlaintextAuth: false };
      },
    });
  });
  after(() => lab.dispose());

  it('refuses USER and AUTH in clear, offers STLS, and logs in inside TLS', async () => {
    const client = await RawPop3.connect(lab.endpoint('pop3').port);
    await client.line();
    assert.equal(await client.command('CAPA'), '+OK');
    const clear = await client.block();
    assert.ok(clear.includes('STLS') && !clear.includes('USER') && !clear.some((c) => c.startsWith('SASL')));
    assert.equal(await client.command('USER user2'), '-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.');
    assert.equal(await client.command(`AUTH PLAIN ${authPlain('user2', 'password')}`), '-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.');
    // Pipelined after STLS in clear: must be discarded, never run inside TLS (CVE-2011-0411).
    client.reader.socket.write('STLS\r\nUSER user2\r\n');
    assert.equal(await client.line(), '+OK Begin TLS negotiation now.');
    const secure = tlsConnect({ socket: client.reader.socket, ca: await caOf(lab), servername: 'st.um' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    const reader = new LineReader(secure);
    const ask = async (line: string): Promise<string | undefined> => {
      secure.write(`${line}\r\n`);
      return reader.line();
    };
    assert.equal(await ask('PASS password'), '-ERR No username given.', 'the pipelined USER was discarded');
    assert.equal(await ask('STLS'), '-ERR TLS is already active.');
    assert.equal(await ask('USER user2'), '+OK');
    assert.equal(await ask('PASS password'), '+OK Logged in.');
    assert.equal(await ask('QUIT'), '+OK Logging out.');
    secure.destroy();
  });
});
