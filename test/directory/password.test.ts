import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from '../../src/directory/password.js';

test('a password verifies against its scrypt hash, and a wrong one never does, cached or not', async () => {
  const stored = await hashPassword('correct horse');
  assert.match(stored, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword('wrong', stored), false);
  assert.equal(await verifyPassword('correct horse', stored), true);
  // Now the right password is cached: a wrong one must still fail, and so must a near miss.
  assert.equal(await verifyPassword('correct horse', stored), true);
  assert.equal(await verifyPassword('correct hors', stored), false);
  assert.equal(await verifyPassword('', stored), false);
});

test('the cache belongs to one hash: after a password change the old password fails', async () => {
  const before = await hashPassword('first');
  assert.equal(await verifyPassword('first', before), true);
  const after = await hashPassword('second');
  assert.equal(await verifyPassword('first', after), false);
  assert.equal(await verifyPassword('second', after), true);
});

test('clients logging in at once with the same password all get the answer', async () => {
  const stored = await hashPassword('shared');
  const answers = await Promise.all([...Array(6)].map((_, i) => verifyPassword(i % 3 === 2 ? 'other' : 'shared', stored)));
  assert.deepEqual(answers, [true, true, false, true, true, false]);
});

test('a hash in an unknown format verifies nothing', async () => {
  assert.equal(await verifyPassword('x', 'md5$abc'), false);
  assert.equal(await verifyPassword('x', ''), false);
});
