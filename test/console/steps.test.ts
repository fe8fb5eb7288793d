import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conversationSteps, decodeSecret } from '../../src/console/steps.js';
import type { OpenEvent, TapEvent } from '../../src/net/tap.js';
import type { Conversation } from '../../src/net/transcripts.js';

function conversation(kind: string, script: (TapEvent | [from: 'client' | 'server', text: string, redacted?: string])[]): Conversation {
  const conn = `${kind}-t`;
  const open: OpenEvent = { type: 'open', conn, at: 1000, service: kind, kind, host: 'st.um', transport: 'tcp', client: { address: '127.0.0.1', port: 5000 }, server: { address: '127.0.0.1', port: 25 } };
  const events: TapEvent[] = [open];
  script.forEach((item, i) => {
    if (!Array.isArray(item)) return events.push({ ...item, conn, at: 1001 + i });
    const [from, text, redacted] = item;
    return events.push({ type: 'data', conn, at: 1001 + i, from, bytes: Buffer.from(`${text}\r\n`), ...(redacted ? { redacted: `${redacted}\r\n` } : {}) });
  });
  events.push({ type: 'close', conn, at: 2000, reason: 'closed' });
  return { open, events, keptBytes: 0, closed: true };
}

const note = (text: string): TapEvent => ({ type: 'note', conn: '', at: 0, topic: 'state', text });

test('AUTH LOGIN: the server view hides the secrets, the eavesdropper decodes them; after STARTTLS only records', () => {
  const conv = conversation('submission', [
    ['server', '220 st.um ESMTP wirelab'],
    ['client', 'EHLO pc'],
    ['server', '250 st.um Hello pc [127.0.0.1]'],
    ['client', 'AUTH LOGIN'],
    ['server', '334 VXNlcm5hbWU6'],
    ['client', 'dXNlcjFAc3QudW0=', '***'],
    ['server', '334 UGFzc3dvcmQ6'],
    ['client', 'cGFzc3dvcmQ=', '***'],
    note('logged in'),
    ['server', '235 2.7.0 Authentication successful'],
    ['client', 'STARTTLS'],
    ['server', '220 2.0.0 Ready to start TLS'],
    { type: 'tls', conn: '', at: 0, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    ['client', 'EHLO pc'],
  ]);
  const server = conversationSteps(conv, 'server').steps;
  const serverText = server.flatMap((s) => s.lines.map((l) => l.text)).join('\n');
  assert.ok(!serverText.includes('cGFzc3dvcmQ='));
  assert.equal(server.filter((s) => s.lines.some((l) => l.decoded)).length, 0);
  assert.equal(server.find((s) => s.label === '***')?.lines[0]?.explanation?.term, 'AUTH response');
  assert.ok(server.some((s) => s.kind === 'note'));

  const sniffed = conversationSteps(conv, 'eavesdropper').steps;
  assert.deepEqual(sniffed.flatMap((s) => s.lines.map((l) => l.decoded).filter(Boolean)), ['user1@st.um', 'password']);
  assert.ok(!sniffed.some((s) => s.kind === 'note'), 'a sniffer sees no server notes');
  const last = sniffed.filter((s) => s.kind === 'data').at(-1);
  assert.equal(last?.encrypted, true);
  assert.equal(last?.label, 'TLS records');
  assert.ok(!last?.lines[0]?.text.includes('EHLO'));
});

test('POP3 PASS crosses in clear: the eavesdropper reads it as typed', () => {
  const conv = conversation('pop3', [['server', '+OK wirelab ready.'], ['client', 'USER user2'], ['server', '+OK'], ['client', 'PASS password', 'PASS ***'], ['server', '+OK Logged in.']]);
  assert.ok(conversationSteps(conv, 'server').steps.some((s) => s.label === 'PASS ***'));
  const pass = conversationSteps(conv, 'eavesdropper').steps.find((s) => s.label.startsWith('PASS'));
  assert.equal(pass?.label, 'PASS password');
  assert.equal(pass?.lines[0]?.explanation?.term, 'PASS');
});

test('decodeSecret decodes SASL responses only', () => {
  assert.equal(decodeSecret('AUTH PLAIN AHVzZXIxQHN0LnVtAHBhc3N3b3Jk'), '\\0user1@st.um\\0password');
  assert.equal(decodeSecret('a2 AUTHENTICATE PLAIN AHVzZXIyQHN0LnVtAHBhc3N3b3Jk'), '\\0user2@st.um\\0password');
  assert.equal(decodeSecret('dXNlcjFAc3QudW0='), 'user1@st.um');
  assert.equal(decodeSecret('PASS abcd'), undefined);
  assert.equal(decodeSecret('a1 LOGIN user abcd'), undefined);
  assert.equal(decodeSecret('AUTH PLAIN ***'), undefined);
});
