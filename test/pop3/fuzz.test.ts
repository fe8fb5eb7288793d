import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { deliverToMaildir } from '../../src/mail/store/index.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { openSocket } from '../helpers/transcript.js';
import { RawPop3 } from './pop3-client.js';

const VERBS = ['USER', 'STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'RSET', 'NOOP', 'CAPA', 'STLS', 'APOP', 'AUTH', 'XTND', 'LAST', ''];

/** A command line: a known verb in any case with odd arguments, or raw bytes (NUL, bare CR, 8-bit, no line end). */
const line = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...VERBS),
      fc.array(fc.oneof(fc.integer({ min: -3, max: 12 }).map(String), fc.string({ maxLength: 12 }), fc.constant('*'), fc.constant('99999999999')), { maxLength: 4 }),
      fc.boolean(),
    )
    .map(([verb, args, lower]) => Buffer.from(`${lower ? verb.toLowerCase() : verb} ${args.join(' ')}\r\n`, 'utf8')),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(Buffer.from(`${'A'.repeat(3000)}\r\n`)),
  fc.constant(Buffer.from('\r\n')),
);

/** Sends a session's worth of input in one go (pipelined), then QUIT; collects what comes back until the server closes. */
async function converse(port: number, login: boolean, lines: Buffer[]): Promise<string> {
  const socket = await openSocket(port);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write(Buffer.concat([Buffer.from(login ? 'USER user2\r\nPASS password\r\n' : ''), ...lines, Buffer.from('\r\nQUIT\r\n')]));
  const timer = setTimeout(() => socket.destroy(), 5000);
  await closed;
  clearTimeout(timer);
  return Buffer.concat(chunks).toString('latin1');
}

describe('POP3 under random and malformed input', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab();
    for (let i = 1; i <= 3; i += 1) await deliverToMaildir(lab.dataDir.maildirOf('user2@st.um'), Buffer.from(`Subject: ${i}\r\n\r\n.body ${i}\r\n`));
  });
  after(() => lab.dispose());

  it('never crashes, answers every line with +OK or -ERR, and serves the next session', async () => {
    const port = lab.endpoint('pop3').port;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(line, { maxLength: 12 }), async (login, lines) => {
        const reply = await converse(port, login, lines);
        assert.match(reply, /^\+OK wirelab ready\.\r\n/);
        // The session ended by QUIT, by the bad-command limit, or in a TLS handshake the garbage broke; never silently mid-way.
        assert.match(reply, /(\+OK Logging out[^\r]*|-ERR Too many bad commands\.|\+OK Begin TLS negotiation now\.)\r\n$/);
        for (const answer of reply.split('\r\n').filter((l) => /^[+-]/.test(l))) assert.match(answer, /^(\+OK|-ERR|\+ $)/);
      }),
      { numRuns: 60, interruptAfterTimeLimit: 120_000 },
    );
    const internal = lab.transcripts
      .list()
      .flatMap((c) => c.events)
      .filter((e) => e.type === 'note' && e.text.startsWith('internal error'));
    assert.deepEqual(internal, []);

    let client = await RawPop3.connect(port);
    for (let attempt = 0; (await client.login()) !== '+OK Logged in.'; attempt += 1) {
      client.close();
      assert.ok(attempt < 50, 'the maildrop lock was released by every fuzzed session');
      await new Promise((r) => setTimeout(r, 50));
      client = await RawPop3.connect(port);
    }
    assert.match(await client.command('STAT'), /^\+OK \d+ \d+$/);
    assert.equal(await client.command('QUIT'), '+OK Logging out.');
    client.close();
  });
});
