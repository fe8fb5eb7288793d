import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { authPlain, RawSmtp } from '../helpers/smtp-client.js';
import { OutboundQueue } from '../../src/mail/queue/outbound-queue.js';
import { toWire } from '../../src/net/transcripts.js';

describe('SMTP: every reply code a client can meet', () => {
  let lab: TestLab;
  let smtp: number;
  let submission: number;
  before(async () => {
    lab = await startTestLab({
      edit: (c) => {
        c.mail = { ...c.mail, maxRecipients: 3, maxMessageBytes: 4096 };
      },
    });
    smtp = lab.endpoint('smtp').port;
    submission = lab.endpoint('submission').port;
  });
  after(() => lab.dispose());

  it('220 banner naming the host, 501 for HELO without a name, 250 after', async () => {
    const { client, banner } = await RawSmtp.connect(smtp);
    assert.deepEqual(banner, ['220 st.um ESMTP wirelab']);
    assert.equal(await client.last('HELO'), '501 Syntax: HELO hostname');
    assert.equal(await client.last('EHLO'), '501 Syntax: EHLO hostname');
    assert.equal(await client.last('HELO st.um'), '250 st.um Hello st.um [127.0.0.1]');
    client.close();
  });

  it('503 5.5.1 for commands out of sequence', async () => {
    const { client } = await RawSmtp.connect(smtp);
    assert.equal(await client.last('MAIL FROM:<user1@st.um>'), '503 5.5.1 Error: send HELO/EHLO first');
    assert.equal(await client.last('RCPT TO:<user2@st.um>'), '503 5.5.1 Error: need MAIL command');
    assert.equal(await client.last('DATA'), '503 5.5.1 Error: need MAIL command');
    await client.send('EHLO client.example');
    assert.equal(await client.last('MAIL FROM:<user1@st.um>'), '250 2.1.0 Ok');
    assert.equal(await client.last('MAIL FROM:<user1@st.um>'), '503 5.5.1 Error: nested MAIL command');
    assert.equal(await client.last('DATA'), '503 5.5.1 Error: need RCPT command');
    client.close();
  });

  it('500 for unknown commands and long lines, 501 for bad syntax, 555 for unknown parameters, 502 for EXPN', async () => {
    const { client } = await RawSmtp.connect(smtp);
    assert.equal(await client.last('FOO bar'), '500 5.5.2 Error: command not recognized');
    assert.equal(await client.last(`NOOP ${'x'.repeat(1200)}`), '500 5.5.2 Error: line too long');
    assert.equal(await client.last('EHLO client.example'), '250 SMTPUTF8');
    assert.equal(await client.last('MAIL TO:<user1@st.um>'), '501 5.5.4 Syntax: MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME] [SMTPUTF8]');
    assert.equal(await client.last('MAIL FROM:<not an address>'), '501 5.1.3 Bad sender address syntax');
    assert.equal(await client.last('MAIL FROM:<user1@st.um> FROBNICATE=1'), '555 5.5.4 Unsupported option: FROBNICATE');
    assert.equal(await client.last('EXPN staff'), '502 5.5.1 EXPN command not implemented');
    assert.equal(await client.last('RSET extra'), '501 5.5.4 Syntax: RSET');
    assert.match(await client.last('HELP'), /^214 2\.0\.0 Commands: HELO EHLO .* QUIT$/);
    assert.equal(await client.last('NOOP'), '250 2.0.0 Ok');
    client.close();
  });

  it('250/550 5.1.1 for known and unknown local users, 252 for VRFY of a known user', async () => {
    const { client } = await RawSmtp.connect(smtp);
    await client.send('EHLO client.example');
    assert.equal(await client.last('VRFY user2'), '252 2.0.0 user2@st.um');
    assert.equal(await client.last('VRFY ghost@st.um'), '550 5.1.1 <ghost@st.um>: Recipient address rejected: User unknown in local recipient table');
    await client.send('MAIL FROM:<>');
    assert.equal(await client.last('RCPT TO:<ghost@st.um>'), '550 5.1.1 <ghost@st.um>: Recipient address rejected: User unknown in local recipient table');
    assert.equal(await client.last('RCPT TO:<User2@ST.UM>'), '250 2.1.5 Ok');
    assert.equal(await client.last('RCPT TO:<postmaster>'), '250 2.1.5 Ok');
    client.close();
  });

  it('452 4.5.3 past the recipient limit', async () => {
    const { client } = await RawSmtp.connect(smtp);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<user1@st.um>');
    for (const r of ['a@um.es', 'b@um.es', 'c@um.es']) assert.equal(await client.last(`RCPT TO:<${r}>`), '250 2.1.5 Ok');
    assert.equal(await client.last('RCPT TO:<d@um.es>'), '452 4.5.3 Error: too many recipients');
    client.close();
  });

  it('552 5.3.4 over SIZE, announced or sent; the connection stays usable', async () => {
    const { client } = await RawSmtp.connect(smtp);
    await client.send('EHLO client.example');
    assert.equal(await client.last('MAIL FROM:<user1@st.um> SIZE=999999'), '552 5.3.4 Message size exceeds fixed limit');
    await client.send('MAIL FROM:<user1@st.um>');
    await client.send('RCPT TO:<user2@st.um>');
    assert.match(await client.last('DATA'), /^354 /);
    assert.equal(await client.last(`Subject: big\r\n\r\n${'0123456789'.repeat(600)}\r\n.`), '552 5.3.4 Message size exceeds fixed limit');
    assert.equal(await client.last('NOOP'), '250 2.0.0 Ok');
    client.close();
  });

  it('554 5.7.1 relay denied for a stranger (127.0.0.66) sending to a foreign domain; relay domains still accepted', async () => {
    const { client, banner } = await RawSmtp.connect(smtp, '127.0.0.66');
    assert.match(banner[0]!, /^220 /);
    await client.send('HELO stranger.example');
    await client.send('MAIL FROM:<spammer@stranger.example>');
    assert.equal(await client.last('RCPT TO:<victim@gmail.com>'), '554 5.7.1 <victim@gmail.com>: Relay access denied');
    assert.equal(await client.last('RCPT TO:<user3@um.es>'), '250 2.1.5 Ok');
    assert.equal(await client.last('RCPT TO:<user2@st.um>'), '250 2.1.5 Ok');
    client.close();
  });

  it('the local network (127.0.0.1) may relay anywhere; the copy waits in the outbound queue', async () => {
    const { client } = await RawSmtp.connect(smtp);
    await client.send('HELO st.um');
    await client.send('MAIL FROM:<user1@st.um>');
    assert.equal(await client.last('RCPT TO:<friend@example.org>'), '250 2.1.5 Ok');
    await client.send('DATA');
    const queued = await client.last('Subject: out\r\n\r\nto the world\r\n.');
    const id = /queued as ([0-9A-F]+)/.exec(queued)?.[1];
    assert.ok(id, queued);
    const entries = await new OutboundQueue(lab.dataDir.queue).list();
    assert.ok(entries.some((e) => e.id === id && e.recipients.includes('friend@example.org') && e.from === 'user1@st.um'));
    client.close();
  });

  it('530 5.7.0 on submission without AUTH, 535 5.7.8 for bad credentials, 235 then mail to anywhere', async () => {
    const { client } = await RawSmtp.connect(submission);
    await client.send('EHLO client.example');
    assert.equal(await client.last('MAIL FROM:<user1@st.um>'), '530 5.7.0 Authentication required');
    assert.equal(await client.last(`AUTH PLAIN ${authPlain('user1@st.um', 'wrong')}`), '535 5.7.8 Error: authentication failed: authentication failure');
    assert.equal(await client.last('AUTH CRAM-MD5'), '504 5.5.4 Unsupported authentication mechanism');
    assert.equal(await client.last('AUTH LOGIN'), '334 VXNlcm5hbWU6');
    assert.equal(await client.last('*'), '501 5.7.0 Authentication aborted');
    assert.equal(await client.last('AUTH LOGIN'), '334 VXNlcm5hbWU6');
    assert.equal(await client.last(Buffer.from('user1').toString('base64')), '334 UGFzc3dvcmQ6');
    assert.equal(await client.last(Buffer.from('password').toString('base64')), '235 2.7.0 Authentication successful');
    assert.equal(await client.last(`AUTH PLAIN ${authPlain('user1', 'password')}`), '503 5.5.1 Error: already authenticated');
    assert.equal(await client.last('MAIL FROM:<user1@st.um>'), '250 2.1.0 Ok');
    assert.equal(await client.last('RCPT TO:<anyone@example.net>'), '250 2.1.5 Ok');
    client.close();
  });

  it('AUTH is not offered on port 25 in clear: 530 (STARTTLS first) or 503', async () => {
    const { client } = await RawSmtp.connect(smtp);
    const ehlo = await client.send('EHLO client.example');
    assert.ok(!ehlo.some((l) => l.includes('AUTH')));
    assert.match(await client.last(`AUTH PLAIN ${authPlain('user1', 'password')}`), /^(530 5\.7\.0 Must issue a STARTTLS command first|503 5\.5\.1 Error: authentication not enabled)$/);
    client.close();
  });

  it('the transcript hides the AUTH secret unless asked', async () => {
    const { client } = await RawSmtp.connect(submission);
    await client.send('EHLO client.example');
    await client.send(`AUTH PLAIN ${authPlain('user2', 'password')}`);
    await client.send('QUIT');
    client.close();
    const conv = lab.transcripts.list().filter((c) => c.open.service === 'submission').pop()!;
    const redacted = conv.events.map((e) => toWire(e, false)).filter((e) => e.type === 'data' && e.from === 'client').map((e) => (e.type === 'data' ? e.text : ''));
    assert.ok(redacted.includes('AUTH PLAIN ***'));
    assert.ok(!redacted.some((t) => t?.includes(authPlain('user2', 'password'))));
    const shown = conv.events.map((e) => toWire(e, true)).filter((e) => e.type === 'data' && e.from === 'client').map((e) => (e.type === 'data' ? e.text : ''));
    assert.ok(shown.some((t) => t?.includes(authPlain('user2', 'password'))));
  });

  it('421 4.7.0 after too many errors', async () => {
    const { client } = await RawSmtp.connect(smtp);
    let last = '';
    for (let i = 0; i < 25 && !client.reader.isClosed; i++) {
      const reply = await client.send('BOGUS');
      last = reply[reply.length - 1] ?? last;
      if (reply.length === 0) break;
    }
    assert.ok(client.reader.isClosed || last.startsWith('421'), last);
    client.close();
  });
});

describe('SMTP: 421 on idle timeout and on shutdown', () => {
  it('421 4.4.2 after the idle timeout', async () => {
    const lab = await startTestLab({ edit: (c) => (c.mail = { ...c.mail, idleTimeoutSeconds: 1 }) });
    try {
      const { client } = await RawSmtp.connect(lab.endpoint('smtp').port);
      const reply = await client.reader.reply(5000);
      assert.deepEqual(reply, ['421 4.4.2 st.um Error: timeout exceeded']);
      client.close();
    } finally {
      await lab.dispose();
    }
  });

  it('421 4.3.2 to an idle client when the lab stops; a message in flight is finished first', async () => {
    const lab = await startTestLab();
    const port = lab.endpoint('smtp').port;
    const idle = (await RawSmtp.connect(port)).client;
    const busy = (await RawSmtp.connect(port)).client;
    await busy.send('HELO st.um');
    await busy.send('MAIL FROM:<user1@st.um>');
    await busy.send('RCPT TO:<user2@st.um>');
    assert.match(await busy.last('DATA'), /^354 /);
    const stopping = lab.dispose();
    assert.deepEqual(await idle.reader.reply(), ['421 4.3.2 st.um Service shutting down, closing transmission channel']);
    assert.match(await busy.last('Subject: last one\r\n\r\nin flight\r\n.'), /^250 2\.0\.0 Ok: queued as /);
    assert.deepEqual(await busy.reader.reply(), ['421 4.3.2 st.um Service shutting down, closing transmission channel']);
    await stopping;
    idle.close();
    busy.close();
  });
});
