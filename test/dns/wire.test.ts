import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { FormatError } from '../../src/dns/wire/errors.js';
import { decodeMessage, emptyMessage, encodeMessage, type DnsMessage } from '../../src/dns/wire/message.js';
import { canonicalName, nameToLabels, parentName, readName } from '../../src/dns/wire/name.js';
import { ipv6ToBytes, ipv6ToText } from '../../src/dns/wire/rdata.js';

describe('names on the wire', () => {
  it('escapes dots and odd bytes inside labels, and reads them back', () => {
    assert.deepEqual(nameToLabels('a\\.b.c'), [Buffer.from('a.b'), Buffer.from('c')]);
    assert.deepEqual(nameToLabels('\\065\\032x.st.um.'), [Buffer.from('A x'), Buffer.from('st'), Buffer.from('um')]);
    assert.equal(canonicalName('WWW.St.Um.'), 'www.st.um');
    assert.equal(parentName('a\\.b.c'), 'c');
    assert.equal(parentName('st'), '');
    assert.throws(() => nameToLabels('a..b'), FormatError);
    assert.throws(() => nameToLabels(`${'x'.repeat(64)}.st.um`), FormatError);
  });

  it('refuses pointer loops, forward pointers and names past the packet', () => {
    const header = Buffer.alloc(12);
    assert.throws(() => readName(Buffer.concat([header, Buffer.from([0xc0, 12])]), 12), /loop|forward/);
    assert.throws(() => readName(Buffer.concat([header, Buffer.from([0xc0, 14, 0])]), 12), /loop|forward/);
    assert.throws(() => readName(Buffer.concat([header, Buffer.from([5, 0x61])]), 12), /past/);
    assert.throws(() => readName(Buffer.concat([header, Buffer.from([0x40])]), 12), /label type/);
  });

  it('IPv6 addresses in RFC 5952 form', () => {
    assert.equal(ipv6ToText(ipv6ToBytes('2001:DB8:0:0:0:0:0:1')), '2001:db8::1');
    assert.equal(ipv6ToText(ipv6ToBytes('::ffff:127.0.0.1')), '::ffff:7f00:1');
    assert.equal(ipv6ToText(ipv6ToBytes('::')), '::');
    assert.equal(ipv6ToText(ipv6ToBytes('1:0:0:2:0:0:0:3')), '1:0:0:2::3');
  });
});

describe('messages', () => {
  const label = fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/);
  const name = fc.array(label, { minLength: 0, maxLength: 5 }).map((labels) => labels.join('.'));
  const record = fc.oneof(
    fc.tuple(name, fc.ipV4()).map(([n, address]) => ({ name: n, type: 1, class: 1, ttl: 300, data: { kind: 'A' as const, address } })),
    fc.tuple(name, name).map(([n, target]) => ({ name: n, type: 5, class: 1, ttl: 60, data: { kind: 'CNAME' as const, target } })),
    fc.tuple(name, fc.nat(65535), name).map(([n, preference, exchange]) => ({ name: n, type: 15, class: 1, ttl: 60, data: { kind: 'MX' as const, preference, exchange } })),
    fc.tuple(name, fc.nat(65535), name).map(([n, port, target]) => ({ name: n, type: 33, class: 1, ttl: 60, data: { kind: 'SRV' as const, priority: 1, weight: 2, port, target } })),
    fc.tuple(name, fc.array(fc.uint8Array({ maxLength: 255 }), { minLength: 1, maxLength: 3 })).map(([n, strings]) => ({ name: n, type: 16, class: 1, ttl: 60, data: { kind: 'TXT' as const, strings: strings.map((s) => Buffer.from(s)) } })),
  );

  it('encode then decode gives the same message (names compared case-insensitively)', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), name, fc.boolean(), (answers, qname, edns) => {
        const m: DnsMessage = { ...emptyMessage(7), qr: true, aa: true, questions: [{ name: qname, type: 1, class: 1 }], answers };
        if (edns) m.edns = { udpPayloadSize: 1232, version: 0, dnssecOk: true, options: [] };
        const back = decodeMessage(encodeMessage(m));
        assert.deepEqual(JSON.parse(JSON.stringify(back).toLowerCase()), JSON.parse(JSON.stringify(m).toLowerCase()));
      }),
      { numRuns: 500 },
    );
  });

  it('compresses repeated names', () => {
    const m: DnsMessage = {
      ...emptyMessage(1),
      questions: [{ name: 'st.um', type: 15, class: 1 }],
      answers: [10, 20].map((p) => ({ name: 'st.um', type: 15, class: 1, ttl: 1, data: { kind: 'MX' as const, preference: p, exchange: `mail${p}.st.um` } })),
    };
    const bytes = encodeMessage(m);
    // Uncompressed, "st.um" alone would take 7 bytes in each of 5 places.
    assert.ok(bytes.length < 12 + 11 + 2 * (2 + 10 + 2 + 7) + 5, `${bytes.length} bytes`);
  });
});
