import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { lineBlock, multilineReply, topOf } from '../../src/mail/pop3/multiline.js';

/** What a client does with a multi-line answer (RFC 1939 §3): cut at CRLF "." CRLF, drop one leading dot per line. */
function unstuff(wire: Buffer): string {
  const text = wire.toString('latin1');
  assert.ok(text.endsWith('\r\n.\r\n') || text === '.\r\n', 'ends with the terminator');
  const body = text === '.\r\n' ? '' : text.slice(0, -3);
  assert.equal(body.indexOf('\r\n.\r\n'), -1, 'no early terminator');
  return body
    .split('\r\n')
    .map((line) => (line.startsWith('.') ? line.slice(1) : line))
    .join('\r\n');
}

test('dot-stuffing round-trips any CRLF body, and adds the final CRLF when missing', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('.', '..', 'a', '.a', '\r\n', ' ', 'é'), { maxLength: 40 }), (parts) => {
      const body = Buffer.from(parts.join(''), 'latin1');
      const reply = multilineReply('+OK\r\n', body);
      assert.equal(reply.subarray(0, 5).toString(), '+OK\r\n');
      const wire = reply.subarray(5);
      const expected = body.length === 0 || body.toString('latin1').endsWith('\r\n') ? body.toString('latin1') : `${body.toString('latin1')}\r\n`;
      assert.equal(unstuff(wire), expected);
    }),
  );
  assert.equal(multilineReply('', Buffer.from('.\r\n')).toString(), '..\r\n.\r\n');
  assert.equal(multilineReply('+OK é\r\n', Buffer.from('a\r\n.b\n.c')).toString(), '+OK é\r\na\r\n..b\n..c\r\n.\r\n', 'a dot after a bare LF is stuffed too');
  assert.equal(multilineReply('', lineBlock(['1 100', '2 200'])).toString(), '1 100\r\n2 200\r\n.\r\n');
});

test('TOP: the header, the blank line and n body lines', () => {
  const message = Buffer.from('A: 1\r\nB: 2\r\n\r\none\r\ntwo\r\nthree\r\n');
  assert.equal(topOf(message, 0).toString(), 'A: 1\r\nB: 2\r\n\r\n');
  assert.equal(topOf(message, 2).toString(), 'A: 1\r\nB: 2\r\n\r\none\r\ntwo\r\n');
  assert.equal(topOf(message, 99).toString(), message.toString());
  assert.equal(topOf(Buffer.from('\r\nbody\r\nmore\r\n'), 1).toString(), '\r\nbody\r\n', 'no header at all');
  assert.equal(topOf(Buffer.from('A: 1\r\nno blank line'), 1).toString(), 'A: 1\r\nno blank line');
});
