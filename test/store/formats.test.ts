import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crlfSize, toCrlf } from '../../src/mail/store/crlf.js';
import { parseKeywords, serializeKeywords } from '../../src/mail/store/keywords-file.js';
import { formatFileName, newBaseName, parseFileName, sizesInBase } from '../../src/mail/store/maildir-name.js';
import { parseUidList, serializeUidList } from '../../src/mail/store/uidlist.js';

test('dovecot-uidlist: a file Dovecot wrote is read, and written back in the same form', () => {
  const dovecot = '3 V1655390361 N7 Gbe88b9389940ab62f7580b00ce89bbd1\n1 :1655390418.M100238P743770.host,S=3734\n5 W3800 :1655390419.M1P2.host\n';
  const list = parseUidList(dovecot)!;
  assert.equal(list.uidValidity, 1655390361);
  assert.equal(list.uidNext, 7);
  assert.equal(list.guid, 'be88b9389940ab62f7580b00ce89bbd1');
  assert.deepEqual(list.entries, [
    { uid: 1, base: '1655390418.M100238P743770.host,S=3734', extensions: '' },
    { uid: 5, base: '1655390419.M1P2.host', extensions: 'W3800' },
  ]);
  assert.equal(serializeUidList(list), dovecot);
});

test('dovecot-uidlist: UIDNEXT is never below a listed UID, garbage is refused, version 1 is read', () => {
  assert.equal(parseUidList('3 V10 N2 Gab\n9 :x\n')!.uidNext, 10);
  assert.equal(parseUidList('hello\n'), undefined);
  assert.equal(parseUidList('3 N5\n'), undefined);
  const v1 = parseUidList('1 1234 3\n1 a:2,S\n2 b\n')!;
  assert.equal(v1.uidValidity, 1234);
  assert.deepEqual(
    v1.entries.map((e) => [e.uid, e.base]),
    [
      [1, 'a'],
      [2, 'b'],
    ],
  );
});

test('dovecot-keywords round-trips and ignores nonsense lines', () => {
  const table = parseKeywords('0 $Forwarded\n2 Junk\nx y\n30 TooFar\n');
  assert.deepEqual([table.length, table[0], table[1], table[2]], [3, '$Forwarded', undefined, 'Junk']);
  assert.equal(serializeKeywords(table), '0 $Forwarded\n2 Junk\n');
});

test('Maildir file names: info letters sorted, sizes in the base, new/ without info', () => {
  assert.deepEqual(parseFileName('123.M1P2.h,S=10,W=12:2,ST'), { base: '123.M1P2.h,S=10,W=12', letters: 'ST' });
  assert.deepEqual(parseFileName('123.M1P2.h'), { base: '123.M1P2.h', letters: '' });
  assert.equal(formatFileName('b', 'TSa', 'cur'), 'b:2,STa');
  assert.equal(formatFileName('b', '', 'new'), 'b');
  assert.equal(formatFileName('b', '', 'cur'), 'b:2,');
  const base = newBaseName(100, 104);
  assert.deepEqual(sizesInBase(base), { size: 100, vsize: 104 });
  assert.ok(!base.includes(':') && !base.includes('/'));
  assert.notEqual(newBaseName(1), newBaseName(1));
});

test('CRLF conversion: bare LF becomes CRLF, CRLF stays, the size is counted exactly', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', '\n', '\r', '\r\n', '.', 'é')), (parts) => {
      const bytes = Buffer.from(parts.join(''), 'utf8');
      const converted = toCrlf(bytes);
      assert.equal(converted.length, crlfSize(bytes));
      for (let i = 0; i < converted.length; i += 1) if (converted[i] === 0x0a) assert.equal(converted[i - 1], 0x0d);
      assert.equal(converted.toString('utf8').replace(/\r\n/g, '\n'), bytes.toString('utf8').replace(/\r\n/g, '\n'));
    }),
  );
  const crlf = Buffer.from('a\r\nb\r\n');
  assert.equal(toCrlf(crlf), crlf);
});
