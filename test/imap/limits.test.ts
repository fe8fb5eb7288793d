import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestLab } from '../helpers/lab.js';
import { startImapLab } from './helpers/imap-lab.js';
import { loggedIn, RawImap, tagged } from './helpers/raw-client.js';

let lab: TestLab;
let port: number;

before(async () => {
  lab = await startImapLab();
  port = lab.endpoint('imap').port;
});
after(() => lab.dispose());

test('a line over 64 KiB is refused with BAD and the next command is served', async () => {
  const c = await loggedIn(port, 'user1');
  try {
    c.send(`x1 NOOP ${'a'.repeat(70 * 1024)}\r\n`);
    assert.match((await c.response()).text, /^\* BAD .*too long/);
    assert.match(tagged(await c.command('x2', 'NOOP')), /^x2 OK/);
  } finally {
    c.close();
  }
});

test('a synchronizing literal over the limit is refused before its bytes are sent; the session goes on', async () => {
  const c = await loggedIn(port, 'user1');
  try {
    c.send('y1 LOGIN {100000}\r\n');
    assert.match((await c.response()).text, /^y1 NO \[TOOBIG\] Literal too big/);
    assert.match(tagged(await c.command('y2', 'NOOP')), /^y2 OK/);
  } finally {
    c.close();
  }
});

test('an oversized LITERAL+ cannot be refused in time: BAD [TOOBIG], BYE, and the connection closes', async () => {
  const c = await RawImap.connect(port);
  c.send(`z1 LOGIN user1 {${10 * 1024 * 1024}+}\r\n`);
  assert.match((await c.response()).text, /^z1 BAD \[TOOBIG\]/);
  assert.match((await c.response()).text, /^\* BYE/);
  await c.drain(300);
  assert.ok(c.isClosed);
});

test('syntax errors are BAD with a reason; twenty in a row end the session with BYE', async () => {
  const c = await RawImap.connect(port);
  try {
    assert.match(tagged(await c.command('b1', 'LOGIN "unterminated')), /^b1 BAD Error in IMAP command: Missing closing quote/);
    assert.match(tagged(await c.command('b2', 'SEARCH ((((((((((((((((((((ALL))))))))))))))))))))')), /^b2 BAD .*nested too deeply/);
    c.send('(\r\n');
    assert.match((await c.response()).text, /^\* BAD /);
    for (let i = 3; i < 19; i += 1) assert.match(tagged(await c.command(`b${i}`, 'FROB')), / BAD /);
    c.send('b20 FROB\r\n');
    assert.match((await c.response()).text, /^b20 BAD/);
    assert.equal((await c.response()).text, '* BYE Too many invalid IMAP commands.');
    await c.drain(300);
    assert.ok(c.isClosed);
  } finally {
    c.close();
  }
});

test('CR LF in an echoed argument cannot start a second response (the reply text stays one line)', async () => {
  const c = await loggedIn(port, 'user1');
  try {
    const answer = await c.command('i1', 'SELECT {22+}\r\nfoo\r\n* OK [ALERT] hacked');
    assert.equal(answer.length, 1);
    assert.match(tagged(answer), /^i1 (NO|BAD) /);
  } finally {
    c.close();
  }
});
