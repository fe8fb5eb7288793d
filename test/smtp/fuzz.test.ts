import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import { LineReader, openSocket } from '../helpers/transcript.js';

/** Random and malformed bytes: the server never crashes, answers errors with 5xx, and serves the next session. */
describe('SMTP property test: random input', () => {
  let lab: TestLab;
  let port: number;
  before(async () => {
    lab = await startTestLab();
    port = lab.endpoint('smtp').port;
  });
  after(() => lab.dispose());

  const verbs = ['HELO', 'EHLO', 'MAIL FROM:', 'RCPT TO:', 'DATA', 'RSET', 'VRFY', 'NOOP', 'HELP', 'AUTH', 'STARTTLS', 'EXPN', 'BDAT', '\x00', '.', ''];
  const junkLine = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a).toString('latin1')),
    fc.tuple(fc.constantFrom(...verbs), fc.string({ maxLength: 80 })).map(([v, a]) => `${v}${a}`),
    fc.string({ minLength: 900, maxLength: 3000 }),
    fc.constantFrom('MAIL FROM:<', 'RCPT TO:<@a,@b:', 'MAIL FROM:<a@b> SIZE=99999999999999999999999', 'AUTH PLAIN ====', 'EHLO \r\x1b[31m'),
  );
  const session = fc.array(fc.tuple(junkLine, fc.constantFrom('\r\n', '\n', '\r', '')), { minLength: 1, maxLength: 25 });

  it('survives random sessions and serves a well-formed one after each', async () => {
    await fc.assert(
      fc.asyncProperty(session, async (lines) => {
        const socket = await openSocket(port);
        const reader = new LineReader(socket);
        await reader.reply();
        socket.write(Buffer.from(lines.map(([l, end]) => l + end).join(''), 'latin1'));
        socket.write('\r\n.\r\nQUIT\r\n');
        // Every reply line the server sends is a well-formed reply: a 3-digit code, and never 2xx for garbage verbs.
        for (let i = 0; i < 200; i++) {
          const line = await reader.line(5000).catch(() => undefined);
          if (line === undefined) break;
          assert.match(line, /^[2-5]\d\d[ -]/, `malformed reply line ${JSON.stringify(line)}`);
        }
        socket.destroy();
        const { client, banner } = await RawSmtp.connect(port);
        assert.match(banner[0]!, /^220 /);
        assert.equal(await client.last('HELO after.example'), '250 st.um Hello after.example [127.0.0.1]');
        assert.equal(await client.last('QUIT'), '221 2.0.0 Bye');
        client.close();
      }),
      { numRuns: 60, interruptAfterTimeLimit: 60_000 },
    );
  });

  it('answers unknown verbs with 500, never echoing control characters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Z]{3,10}$/).filter((v) => !verbs.some((k) => k.startsWith(v)) && !['QUIT', 'HELO', 'EHLO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'VRFY', 'NOOP', 'HELP', 'AUTH', 'EXPN', 'STARTTLS'].includes(v)), async (verb) => {
        const { client } = await RawSmtp.connect(port);
        assert.equal(await client.last(`${verb} x`), '500 5.5.2 Error: command not recognized');
        client.close();
      }),
      { numRuns: 30 },
    );
    const { client } = await RawSmtp.connect(port);
    const reply = await client.send('EHLO evil\rInjected: yes');
    assert.ok(reply.every((l) => !l.includes('\r')), 'no CR reaches a reply line');
    assert.equal(reply[0], '250-st.um Hello evil?Injected: yes [127.0.0.1]');
    client.close();
  });
});
