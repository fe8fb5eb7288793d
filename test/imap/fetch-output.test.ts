import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DataEvent } from '../../src/net/tap.js';
import type { TestLab } from '../helpers/lab.js';
import { deliver, sampleMessage, startImapLab } from './helpers/imap-lab.js';
import { loggedIn, type RawImap, type RawResponse, tagged } from './helpers/raw-client.js';

/**
 * FETCH output is read into memory that is used again once the kernel has taken it (OutputArena).
 * These tests hold a client back while another one fetches, so memory still waiting to be sent would
 * be overwritten if it were reused too early.
 */

const COUNT = 200;
let lab: TestLab;
let port: number;
const bodies: Buffer[] = [];

/** Every message different in every line, 20-40 KB, so a byte from the wrong message or place shows. */
function bulkyMessage(n: number): Buffer {
  const lines = Array.from({ length: 300 + (n % 7) * 50 }, (_, i) => `message ${n} line ${i} ${'abcdefghij'.repeat(6)}`);
  return sampleMessage(n, { body: lines.join('\r\n') });
}

before(async () => {
  lab = await startImapLab({ extraUsers: 1 });
  port = lab.endpoint('imap').port;
  for (let n = 1; n <= COUNT; n += 1) bodies.push(bulkyMessage(n));
  await deliver(lab, 'u1@st.um', bodies);
});

after(async () => {
  await lab?.dispose();
});

/** The BODY[] literal of each FETCH response, in order. */
function fetchedBodies(responses: RawResponse[]): Buffer[] {
  return responses.slice(0, -1).map((r) => {
    const header = /^\* \d+ FETCH \(BODY\[\] \{(\d+)\}\r\n/.exec(r.raw.toString('latin1'));
    assert.ok(header, `not a BODY[] response: ${r.text.slice(0, 80)}`);
    return r.raw.subarray(header[0].length, header[0].length + Number(header[1]));
  });
}

async function selected(): Promise<RawImap> {
  const client = await loggedIn(port, 'u1@st.um');
  assert.match(tagged(await client.command('s', 'EXAMINE INBOX')), /^s OK/);
  return client;
}

test('a client that reads slowly gets every byte right, while another one fetches the same messages', async () => {
  const slow = await selected();
  const fast = await selected();
  // The mailbox three times over (18 MB), more than the kernel buffers between the two.
  const batches = Array.from({ length: (3 * COUNT) / 5 }, (_, i) => `${(i * 5) % COUNT + 1}:${(i * 5) % COUNT + 5}`);
  try {
    slow.socket.pause();
    // Pipelined: each FETCH reads messages while the end of the one before may still wait to be sent.
    slow.send(batches.map((set, i) => `p${i} FETCH ${set} BODY.PEEK[]\r\n`).join(''));
    const answers = (async () => {
      const out: RawResponse[][] = [];
      for (const i of batches.keys()) out.push(await slow.until(`p${i}`, 30_000));
      return out;
    })();
    const quick = fast.command('f2', `FETCH 1:${COUNT} BODY.PEEK[]`, 30_000);
    // Long enough for the server to fill the kernel's buffers towards the paused client.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Then it takes one read at a time, so the server's writes keep finding those buffers full.
    let done = false;
    void answers.finally(() => (done = true));
    for (let round = 0; round < 3000 && !done; round += 1) {
      slow.socket.once('data', () => slow.socket.pause());
      slow.socket.resume();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    slow.socket.resume();

    assert.match(tagged(await quick), /^f2 OK/);
    assert.deepEqual(fetchedBodies(await quick), bodies);
    const slowAnswers = await answers;
    for (const [i, answer] of slowAnswers.entries()) assert.match(tagged(answer), new RegExp(`^p${i} OK`));
    assert.deepEqual(slowAnswers.flatMap(fetchedBodies), [...bodies, ...bodies, ...bodies]);
  } finally {
    slow.close();
    fast.close();
  }
});

test('the transcript keeps what was sent, not what the memory held later', async () => {
  const client = await selected();
  const localPort = client.socket.localPort;
  let answer: RawResponse[];
  try {
    answer = await client.command('f3', 'FETCH 1:20 BODY.PEEK[]', 30_000);
    // A second FETCH reuses the memory the first one was read into.
    assert.match(tagged(await client.command('f4', 'FETCH 21:40 BODY.PEEK[]', 30_000)), /^f4 OK/);
  } finally {
    client.close();
  }
  const conversation = lab.transcripts.list().find((c) => c.open.client.port === localPort && c.open.service === 'imap');
  assert.ok(conversation, 'the conversation is in the transcript store');
  const sent = Buffer.concat(conversation.events.filter((e): e is DataEvent => e.type === 'data' && e.from === 'server').map((e) => e.bytes));
  const fetchOutput = Buffer.concat(answer.map((r) => r.raw));
  const start = sent.indexOf('* 1 FETCH (BODY[] {');
  assert.notEqual(start, -1, 'the FETCH output is in the transcript');
  const kept = sent.subarray(start, start + fetchOutput.length);
  assert.ok(kept.length > 100_000, `the transcript kept ${kept.length} bytes of the FETCH`);
  assert.ok(kept.equals(fetchOutput.subarray(0, kept.length)), 'the kept bytes are the bytes sent');
});
