import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { deliverToMaildir } from '../../src/mail/store/index.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { RawPop3 } from './pop3-client.js';

/**
 * RETR answers are made in memory that is used again once the kernel has taken them (OutputArena).
 * A client that pipelines RETRs and reads slowly, while another session retrieves too, shows any
 * memory reused too early as wrong bytes.
 */

const COUNT = 120;
let lab: TestLab;
let port: number;
const messages: Buffer[] = [];

/** Every line different, some starting with a dot (stuffed on the wire), 20-40 KB each. */
function bulkyMessage(n: number): Buffer {
  const lines = Array.from({ length: 300 + (n % 7) * 50 }, (_, i) => `${i % 17 === 0 ? '.' : ''}message ${n} line ${i} ${'abcdefghij'.repeat(6)}`);
  return Buffer.from(`Subject: message ${n}\r\n\r\n${lines.join('\r\n')}\r\n`);
}

before(async () => {
  lab = await startTestLab();
  port = lab.endpoint('pop3').port;
  for (let n = 1; n <= COUNT; n += 1) messages.push(bulkyMessage(n));
  for (const user of ['user1@st.um', 'user2@st.um']) {
    for (const message of messages) await deliverToMaildir(lab.dataDir.maildirOf(user), message);
  }
});

after(async () => {
  await lab?.dispose();
});

/** The lines of a message as an un-stuffed RETR block gives them. */
const linesOf = (message: Buffer): string[] => message.toString('utf8').split('\r\n').slice(0, -1);

test('pipelined RETRs read slowly, beside another session retrieving, come back byte for byte', async () => {
  const slow = await RawPop3.connect(port);
  const fast = await RawPop3.connect(port);
  try {
    assert.equal(await slow.login('user1'), '+OK Logged in.');
    assert.equal(await fast.login('user2'), '+OK Logged in.');
    const socket = slow.reader.socket;
    socket.pause();
    socket.write(Array.from({ length: COUNT }, (_, i) => `RETR ${i + 1}\r\n`).join(''));
    const slowAnswers = (async () => {
      const out: string[][] = [];
      for (let n = 1; n <= COUNT; n += 1) {
        assert.match(await slow.line(30_000), /^\+OK \d+ octets/);
        out.push(await slow.block());
      }
      return out;
    })();
    // Long enough for the server to fill the kernel's buffers towards the paused client; then one read at a time.
    await new Promise((resolve) => setTimeout(resolve, 300));
    let done = false;
    void slowAnswers.finally(() => (done = true));
    const fastAnswers: string[][] = [];
    for (let round = 0; round < 3000 && !done; round += 1) {
      if (fastAnswers.length < COUNT) {
        assert.match(await fast.command(`RETR ${fastAnswers.length + 1}`), /^\+OK \d+ octets/);
        fastAnswers.push(await fast.block());
      }
      socket.once('data', () => socket.pause());
      socket.resume();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    socket.resume();
    while (fastAnswers.length < COUNT) {
      assert.match(await fast.command(`RETR ${fastAnswers.length + 1}`), /^\+OK \d+ octets/);
      fastAnswers.push(await fast.block());
    }
    assert.deepEqual(await slowAnswers, messages.map(linesOf));
    assert.deepEqual(fastAnswers, messages.map(linesOf));
  } finally {
    slow.close();
    fast.close();
  }
});
