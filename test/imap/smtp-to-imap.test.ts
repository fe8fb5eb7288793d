import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawSmtp } from '../helpers/smtp-client.js';
import { startImapLab } from './helpers/imap-lab.js';
import { loggedIn, tagged, untagged } from './helpers/raw-client.js';

/** A message with what trips byte-exactness: dot-stuffed lines, 8-bit text, a long line, an empty last line. */
const ORIGINAL = Buffer.concat([
  Buffer.from('From: Alice <alice@um.es>\r\nTo: user1@st.um\r\nSubject: Byte for byte\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <bytes@um.es>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
  Buffer.from('.A line that starts with a dot\r\n..two dots\r\nCafé, crème, naïve — ünïcødé\r\n', 'utf8'),
  Buffer.from(`${'x'.repeat(900)}\r\n\r\n`),
]);

function dotStuff(message: Buffer): Buffer {
  return Buffer.from(message.toString('latin1').replace(/^\./gm, '..'), 'latin1');
}

test('a message sent over SMTP reads back over IMAP byte for byte: the DATA bytes after the trace headers the MTA prepended', async (t) => {
  const lab = await startImapLab({ smtp: true });
  t.after(() => lab.dispose());
  const { client: smtp } = await RawSmtp.connect(lab.endpoint('smtp').port);
  try {
    assert.match(await smtp.last('EHLO client.um.es'), /^250 /);
    assert.match(await smtp.last('MAIL FROM:<alice@um.es>'), /^250 /);
    assert.match(await smtp.last('RCPT TO:<user1@st.um>'), /^250 /);
    assert.match(await smtp.last('DATA'), /^354 /);
    assert.match(await smtp.last(Buffer.concat([dotStuff(ORIGINAL), Buffer.from('.\r\n')])), /^250 /);
    await smtp.last('QUIT');
  } finally {
    smtp.close();
  }

  const imap = await loggedIn(lab.endpoint('imap').port, 'user1');
  try {
    await imap.command('s', 'SELECT INBOX');
    const [fetched] = untagged(await imap.command('f', 'FETCH 1 (RFC822.SIZE BODY.PEEK[] BODY.PEEK[TEXT])'));
    const raw = fetched!;
    const size = Number(/RFC822\.SIZE (\d+)/.exec(raw)![1]);
    const body = /BODY\[\] \{(\d+)\}\r\n/.exec(raw)!;
    const start = body.index + body[0].length;
    const stored = Buffer.from(raw.slice(start, start + Number(body[1])), 'latin1');
    assert.equal(stored.length, size, 'RFC822.SIZE counts the bytes BODY[] returns');
    assert.ok(stored.subarray(stored.length - ORIGINAL.length).equals(ORIGINAL), 'the DATA bytes end the stored message unchanged');
    const trace = stored.subarray(0, stored.length - ORIGINAL.length).toString('latin1');
    assert.match(trace, /^(?:(?:Return-Path|Received|Delivered-To|X-Original-To): [^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*)+$/, `only trace headers before it: ${trace}`);
    const text = /BODY\[TEXT\] \{(\d+)\}\r\n/.exec(raw)!;
    const textStart = text.index + text[0].length;
    const original = ORIGINAL.toString('latin1');
    assert.equal(raw.slice(textStart, textStart + Number(text[1])), original.slice(original.indexOf('\r\n\r\n') + 4));
    assert.match(tagged(await imap.command('l', 'LOGOUT')), /^l OK/);
  } finally {
    imap.close();
  }
});
