import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { writeDurably } from '../../src/lab/durable.js';
import { crlfSize } from '../../src/mail/store/crlf.js';
import { deliverToMaildir } from '../../src/mail/store/maildir-delivery.js';
import { sizesInBase } from '../../src/mail/store/maildir-name.js';

test('writeDurably writes parts in order, as if joined, and leaves no tmp file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-durable-'));
  try {
    const parts = [Buffer.from('Return-Path: <a@b>\r\n'), Buffer.alloc(0), Buffer.from('Received: x\r\n'), Buffer.alloc(300_000, 0x61)];
    await writeDurably(join(dir, '.msg.tmp'), join(dir, 'msg'), parts);
    assert.deepEqual(await readFile(join(dir, 'msg')), Buffer.concat(parts));
    assert.deepEqual(await readdir(dir), ['msg']);
    assert.equal((await stat(join(dir, 'msg'))).mode & 0o777, 0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a message delivered in parts is the parts joined, its name giving both sizes of the whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-delivery-'));
  try {
    // Parts cut anywhere, even between the CR and the LF of one line end, or before a bare LF.
    const text = fc.stringMatching(/^[a\r\n.]{0,40}$/);
    let delivered = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 5 }), async (texts) => {
        const parts = texts.map((t) => Buffer.from(t));
        const whole = Buffer.concat(parts);
        const name = await deliverToMaildir(join(dir, 'Maildir'), parts);
        delivered += 1;
        assert.deepEqual(await readFile(join(dir, 'Maildir', 'new', name)), whole);
        assert.deepEqual(sizesInBase(name), { size: whole.length, vsize: crlfSize(whole) });
      }),
      // A CR and its LF in parts with an empty one between (found by this property once).
      { numRuns: 100, examples: [[['\r', '', '\n']], [['a\r', '\nb']]] },
    );
    assert.equal((await readdir(join(dir, 'Maildir', 'new'))).length, delivered);
    assert.deepEqual(await readdir(join(dir, 'Maildir', 'tmp')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
