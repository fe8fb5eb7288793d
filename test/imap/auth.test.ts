import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { TestLab } from '../helpers/lab.js';
import { startImapLab } from './helpers/imap-lab.js';
import { RawImap, tagged, untagged } from './helpers/raw-client.js';

let lab: TestLab;
let port: number;

before(async () => {
  lab = await startImapLab();
  port = lab.endpoint('imap').port;
});
after(() => lab.dispose());

test('the greeting and CAPABILITY say IMAP4rev1, AUTH=PLAIN and STARTTLS before login, and drop them after', async () => {
  const client = await RawImap.connect(port);
  try {
    assert.match(client.greeting, /^\* OK \[CAPABILITY IMAP4rev1 .*\] wirelab IMAP4rev1 ready\.$/);
    const before = untagged(await client.command('c1', 'CAPABILITY'))[0]!;
    for (const cap of ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'IDLE', 'UIDPLUS', 'MOVE', 'NAMESPACE', 'ID', 'ENABLE', 'SPECIAL-USE', 'CHILDREN', 'UNSELECT', 'LIST-EXTENDED', 'AUTH=PLAIN', 'STARTTLS']) {
      assert.ok(before.split(' ').includes(cap), `${cap} in ${before}`);
    }
    const login = tagged(await client.command('c2', 'LOGIN user1 password'));
    assert.match(login, /^c2 OK \[CAPABILITY IMAP4rev1 .*\] Logged in$/);
    assert.doesNotMatch(login, /AUTH=PLAIN|STARTTLS|LOGINDISABLED/);
    assert.match(tagged(await client.command('c3', 'NOOP')), /^c3 OK/);
    assert.match(tagged(await client.command('c4', 'LOGIN user1 password')), /^c4 BAD .*Already logged in/);
  } finally {
    client.close();
  }
});

test('commands need the right state: BAD with a reason, and the connection stays usable', async () => {
  const client = await RawImap.connect(port);
  try {
    assert.match(tagged(await client.command('s1', 'SELECT INBOX')), /^s1 BAD .*Log in first/);
    assert.match(tagged(await client.command('s2', 'FROBNICATE')), /^s2 BAD .*Unknown command FROBNICATE/);
    assert.match(tagged(await client.command('s3', 'NOOP')), /^s3 OK/);
    await client.command('s4', 'LOGIN user1 password');
    assert.match(tagged(await client.command('s5', 'FETCH 1 FLAGS')), /^s5 BAD .*No mailbox selected/);
    assert.match(tagged(await client.command('s6', 'CLOSE')), /^s6 BAD/);
  } finally {
    client.close();
  }
});

test('a wrong password is NO [AUTHENTICATIONFAILED] after a pause, and the next try on the same connection works', async () => {
  const client = await RawImap.connect(port);
  try {
    const started = Date.now();
    assert.equal(tagged(await client.command('w1', 'LOGIN user1 wrong')), 'w1 NO [AUTHENTICATIONFAILED] Authentication failed.');
    assert.ok(Date.now() - started >= 1500, 'failures are delayed like Dovecot’s');
    assert.equal(tagged(await client.command('w2', 'LOGIN nosuchuser password')), 'w2 NO [AUTHENTICATIONFAILED] Authentication failed.');
    assert.match(tagged(await client.command('w3', 'LOGIN "user1@st.um" "password"')), /^w3 OK/);
  } finally {
    client.close();
  }
});

test('LOGIN with literals: {n} waits for "+", {n+} does not', async () => {
  const client = await RawImap.connect(port);
  try {
    client.send('l1 LOGIN {5}\r\n');
    assert.match((await client.response()).text, /^\+ /);
    client.send('user1 {8+}\r\npassword\r\n');
    assert.match(tagged(await client.until('l1')), /^l1 OK/);
  } finally {
    client.close();
  }
});

test('AUTHENTICATE PLAIN: with the initial response (SASL-IR), with a continuation, cancelled with *', async () => {
  const plain = Buffer.from('\0user1\0password').toString('base64');
  const first = await RawImap.connect(port);
  try {
    assert.match(tagged(await first.command('a1', `AUTHENTICATE PLAIN ${plain}`)), /^a1 OK \[CAPABILITY .*\] Logged in/);
  } finally {
    first.close();
  }
  const second = await RawImap.connect(port);
  try {
    second.send('a2 AUTHENTICATE PLAIN\r\n');
    assert.equal((await second.response()).text, '+ ');
    second.send('*\r\n');
    assert.match(tagged(await second.until('a2')), /^a2 BAD Authentication canceled/);
    second.send('a3 AUTHENTICATE PLAIN\r\n');
    await second.response();
    second.send(`${plain}\r\n`);
    assert.match(tagged(await second.until('a3')), /^a3 OK/);
  } finally {
    second.close();
  }
  const third = await RawImap.connect(port);
  try {
    assert.match(tagged(await third.command('a4', 'AUTHENTICATE CRAM-MD5')), /^a4 NO .*PLAIN/);
    assert.match(tagged(await third.command('a5', `AUTHENTICATE PLAIN ${Buffer.from('someone\0user1\0password').toString('base64')}`)), /^a5 NO/);
    assert.match(tagged(await third.command('a6', 'AUTHENTICATE PLAIN !!notbase64')), /^a6 BAD/);
  } finally {
    third.close();
  }
});

test('the transcript hides LOGIN passwords and AUTHENTICATE responses, and records the state changes', async () => {
  const plain = Buffer.from('\0user2\0password').toString('base64');
  const client = await RawImap.connect(port);
  await client.command('t1', 'LOGIN user2 password');
  await client.command('t2', 'LOGOUT');
  client.close();
  const other = await RawImap.connect(port);
  await other.command('t3', `AUTHENTICATE PLAIN ${plain}`);
  other.close();
  // The password as a literal (LITERAL+, RFC 7888): its bytes must not reach the transcript either.
  const literal = await RawImap.connect(port);
  literal.socket.write('t1 LOGIN user2 {8+}\r\npassword\r\n');
  await new Promise((r) => setTimeout(r, 2500));
  literal.close();
  await new Promise((r) => setTimeout(r, 200));
  const conversations = lab.transcripts
    .list()
    .filter((c) => c.open.kind === 'imap' && c.events.some((e) => e.type === 'data' && /^t[13] /.test(e.redacted ?? e.bytes.toString('utf8'))));
  assert.equal(conversations.length, 3);
  const clientLines = conversations.flatMap((c) => c.events.flatMap((e) => (e.type === 'data' && e.from === 'client' ? [e.redacted ?? e.bytes.toString('utf8')] : [])));
  assert.ok(clientLines.some((l) => /^t1 LOGIN user2 \*+/.test(l)), clientLines.join('|'));
  assert.ok(clientLines.some((l) => /^t3 AUTHENTICATE PLAIN \*+/.test(l)));
  assert.ok(!clientLines.some((l) => l.includes('password') || l.includes(plain)));
  const notes = conversations.flatMap((c) => c.events.flatMap((e) => (e.type === 'note' && e.topic === 'state' ? [e.text] : [])));
  assert.ok(notes.includes('authenticated as user2@st.um'));
  assert.ok(notes.includes('logout'));
});

function startTls(socket: RawImap['socket']): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({ socket, servername: 'st.um', rejectUnauthorized: false }, () => resolve(secure));
    secure.once('error', reject);
  });
}

/** Reads tagged answers over a TLS socket (a small line reader: the RawImap owns the plain socket). */
async function tlsCommand(secure: TLSSocket, tag: string, command: string): Promise<string[]> {
  secure.write(`${tag} ${command}\r\n`);
  let text = '';
  const deadline = Date.now() + 10_000;
  while (!new RegExp(`(^|\\r\\n)${tag} [^\\r\\n]*\\r\\n$`).test(text)) {
    if (Date.now() > deadline) throw new Error(`no answer to ${tag}: ${text}`);
    text += await new Promise<string>((resolve) => secure.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
  }
  return text.trimEnd().split('\r\n');
}

test('STARTTLS: OK, then TLS; what was pipelined after it is discarded; CAPABILITY no longer offers STARTTLS', async () => {
  const client = await RawImap.connect(port);
  try {
    client.send('x1 STARTTLS\r\nx2 LOGIN user1 password\r\n');
    assert.equal((await client.response()).text, 'x1 OK Begin TLS negotiation now.');
    const secure = await startTls(client.socket);
    const caps = await tlsCommand(secure, 'x3', 'CAPABILITY');
    assert.ok(!caps.some((l) => l.startsWith('x2 ')), 'the pipelined LOGIN never ran');
    assert.doesNotMatch(caps[0]!, /STARTTLS/);
    assert.match(caps[0]!, /AUTH=PLAIN/);
    assert.match((await tlsCommand(secure, 'x4', 'STARTTLS')).at(-1)!, /^x4 BAD .*already/);
    assert.match((await tlsCommand(secure, 'x5', 'LOGIN user1 password')).at(-1)!, /^x5 OK/);
    secure.destroy();
  } finally {
    client.close();
  }
});

test('IMAPS on its own port speaks TLS from the first byte', async () => {
  const secure = await new Promise<TLSSocket>((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: lab.endpoint('imaps').port, servername: 'st.um', rejectUnauthorized: false }, () => resolve(socket));
    socket.once('error', reject);
  });
  try {
    const greeting = await new Promise<string>((resolve) => secure.once('data', (c: Buffer) => resolve(c.toString('latin1'))));
    assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 .*AUTH=PLAIN.*\]/);
    assert.doesNotMatch(greeting, /STARTTLS/);
    assert.match((await tlsCommand(secure, 'i1', 'LOGIN user1 password')).at(-1)!, /^i1 OK/);
    assert.match((await tlsCommand(secure, 'i2', 'LOGOUT')).at(-1)!, /^i2 OK Logout completed\./);
  } finally {
    secure.destroy();
  }
});

test('with clear-text passwords turned off: LOGINDISABLED, LOGIN refused with [PRIVACYREQUIRED] until STARTTLS', async () => {
  const strict = await startImapLab({ allowPlaintextAuth: false });
  const client = await RawImap.connect(strict.endpoint('imap').port);
  try {
    assert.match(client.greeting, /LOGINDISABLED/);
    assert.doesNotMatch(client.greeting, /AUTH=PLAIN/);
    assert.match(tagged(await client.command('p1', 'LOGIN user1 password')), /^p1 NO \[PRIVACYREQUIRED\]/);
    assert.match(tagged(await client.command('p2', `AUTHENTICATE PLAIN ${Buffer.from('\0user1\0password').toString('base64')}`)), /^p2 NO \[PRIVACYREQUIRED\]/);
    assert.match(tagged(await client.command('p3', 'STARTTLS')), /^p3 OK/);
    const secure = await startTls(client.socket);
    assert.match((await tlsCommand(secure, 'p4', 'CAPABILITY'))[0]!, /AUTH=PLAIN/);
    assert.match((await tlsCommand(secure, 'p5', 'LOGIN user1 password')).at(-1)!, /^p5 OK/);
    secure.destroy();
  } finally {
    client.close();
    await strict.dispose();
  }
});

test('LOGOUT: BYE, OK, then the server closes the connection', async () => {
  const client = await RawImap.connect(port);
  const answer = await client.command('o1', 'LOGOUT');
  assert.deepEqual(answer.map((r) => r.text), ['* BYE Logging out', 'o1 OK Logout completed.']);
  await client.drain(300);
  assert.ok(client.isClosed);
});
