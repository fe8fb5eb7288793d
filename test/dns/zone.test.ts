import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupAuthoritative } from '../../src/dns/server/authority.js';
import { ZoneRegistry } from '../../src/dns/server/zone-registry.js';
import { RrType } from '../../src/dns/wire/constants.js';
import { recordBrief, recordToText } from '../../src/dns/zone/rr-text.js';
import { Zone, ZoneError } from '../../src/dns/zone/zone.js';
import { parseZoneFile, ZoneFileError } from '../../src/dns/zone/zone-file.js';
import { writeZoneFile } from '../../src/dns/zone/zone-writer.js';

/** The seed's db.st.um, as the installer writes it for bind9 (with 127.0.0.x addresses). */
const SEED_DB_ST_UM = `$TTL 604800
@ IN SOA ns1.st.um. root.ns1.st.um. (
    1      ; Serial
    604800 ; Refresh
    86400  ; Retry
    2419200 ; Expire
    604800 ) ; Negative Cache TTL

@           IN      NS          ns1.st.um.
ns1          IN      A       127.0.0.1
@           IN      NS      ns2.st.um.

ns2          IN      A       127.0.0.2
st.um.   IN      A       127.0.0.1

smtp         IN      CNAME  st.um.
pop3         IN      CNAME  st.um.
ldap         IN      CNAME  st.um.
www          IN      CNAME  st.um.
www1         IN      CNAME  st.um.
www2         IN      CNAME  st.um.
www3         IN      CNAME  st.um.
@            IN      MX 10  mail
             IN      MX 20  mail2
mail         IN      A      127.0.0.1
mail2  1h    IN      A      127.0.0.2
_imap._tcp   IN      SRV    0 1 143 st.um.
sub          IN      NS     ns.sub
ns.sub       IN      A      127.0.0.7
txt          IN      TXT    "v=spf1 mx -all" "second \\"part\\""
gen          IN      TYPE65280 \\# 3 abcdef
`;

describe('zone files (BIND master format)', () => {
  const zone = Zone.build('st.um', parseZoneFile(SEED_DB_ST_UM, 'st.um', 'db.st.um'));

  it('reads the seed\'s db.st.um: SOA in parentheses, @, blank owners, relative names, TTL units, quoted strings, generic types', () => {
    assert.equal(zone.serial, 1);
    assert.equal(zone.soa.data.expire, 2419200);
    assert.deepEqual(zone.rrset('st.um', RrType.MX)?.map(recordBrief), ['MX 10 mail.st.um', 'MX 20 mail2.st.um']);
    assert.equal(zone.rrset('mail2.st.um', RrType.A)?.[0]?.ttl, 3600);
    assert.equal(recordToText(zone.rrset('txt.st.um', RrType.TXT)![0]!), 'txt.st.um. 604800 IN TXT "v=spf1 mx -all" "second \\"part\\""');
    assert.equal(recordToText(zone.rrset('gen.st.um', 65280)![0]!), 'gen.st.um. 604800 IN TYPE65280 \\# 3 abcdef');
  });

  it('writes a zone file that reads back to the same zone', () => {
    const text = writeZoneFile(zone);
    const again = Zone.build('st.um', parseZoneFile(text, 'st.um'));
    assert.deepEqual(again.records().map(recordToText), zone.records().map(recordToText));
  });

  it('names the file and line of a mistake, and refuses a zone BIND would refuse', () => {
    assert.throws(() => parseZoneFile('$TTL 60\n@ IN SOA a. b. 1 2 3 4 5\nwww IN A 300.1.1.1\n', 'st.um', 'bad.zone'), (err: Error) => err instanceof ZoneFileError && /bad\.zone:3/.test(err.message));
    assert.throws(() => parseZoneFile('www IN A 1.2.3.4\n', 'st.um', 'nottl.zone'), /no TTL/);
    assert.throws(() => parseZoneFile('$TTL 60\nwww IN BOGUS x\n', 'st.um'), /unknown record type BOGUS/);
    assert.throws(() => Zone.build('st.um', parseZoneFile('$TTL 60\n@ IN SOA a. b. 1 2 3 4 5\n@ IN NS a.\nwww IN CNAME a.\nwww IN A 1.2.3.4\n', 'st.um')), ZoneError);
    assert.throws(() => Zone.build('st.um', parseZoneFile('$TTL 60\n@ IN NS a.\n', 'st.um')), /exactly one SOA/);
  });
});

describe('authoritative answers (question → sections)', () => {
  const registry = new ZoneRegistry([{ origin: 'st.um', role: 'primary' }]);
  registry.set('st.um', Zone.build('st.um', parseZoneFile(SEED_DB_ST_UM, 'st.um')));
  const table: [string, number, { rcode: number; aa: boolean; answer: string[]; authority: string[]; additional: string[] }][] = [
    ['www.st.um', RrType.A, { rcode: 0, aa: true, answer: ['CNAME st.um', 'A 127.0.0.1'], authority: ['NS ns1.st.um', 'NS ns2.st.um'], additional: ['A 127.0.0.1', 'A 127.0.0.2'] }],
    ['st.um', RrType.MX, { rcode: 0, aa: true, answer: ['MX 10 mail.st.um', 'MX 20 mail2.st.um'], authority: ['NS ns1.st.um', 'NS ns2.st.um'], additional: ['A 127.0.0.1', 'A 127.0.0.2', 'A 127.0.0.1', 'A 127.0.0.2'] }],
    ['st.um', RrType.NS, { rcode: 0, aa: true, answer: ['NS ns1.st.um', 'NS ns2.st.um'], authority: [], additional: ['A 127.0.0.1', 'A 127.0.0.2'] }],
    ['_imap._tcp.st.um', RrType.SRV, { rcode: 0, aa: true, answer: ['SRV 0 1 143 st.um'], authority: ['NS ns1.st.um', 'NS ns2.st.um'], additional: ['A 127.0.0.1', 'A 127.0.0.1', 'A 127.0.0.2'] }],
    ['_tcp.st.um', RrType.A, { rcode: 0, aa: true, answer: [], authority: ['SOA ns1.st.um root.ns1.st.um 1 604800 86400 2419200 604800'], additional: [] }],
    ['nothing.st.um', RrType.A, { rcode: 3, aa: true, answer: [], authority: ['SOA ns1.st.um root.ns1.st.um 1 604800 86400 2419200 604800'], additional: [] }],
    ['host.sub.st.um', RrType.A, { rcode: 0, aa: false, answer: [], authority: ['NS ns.sub.st.um'], additional: ['A 127.0.0.7'] }],
  ];
  for (const [name, type, expected] of table) {
    it(`${name} ${type}`, () => {
      const result = lookupAuthoritative(name, type, registry);
      assert.equal(result.kind, 'answer');
      if (result.kind !== 'answer') return;
      assert.equal(result.rcode, expected.rcode);
      assert.equal(result.aa, expected.aa);
      assert.deepEqual(result.answers.map(recordBrief), expected.answer);
      assert.deepEqual(result.authorities.map(recordBrief), expected.authority);
      assert.deepEqual(result.additionals.map(recordBrief), expected.additional);
    });
  }
  it('is not authoritative outside its zones', () => {
    assert.deepEqual(lookupAuthoritative('example.com', RrType.A, registry), { kind: 'not-ours' });
  });
});
