import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { hasCommand } from '../helpers/run.js';
import { writeExtraZone } from './fixtures.js';
import { dig, header, section, startDnsLab, type DnsLab } from './helpers.js';

/** Sends raw bytes over UDP and returns the first reply, or undefined after `ms`. */
function rawUdp(port: number, bytes: Buffer, ms = 1500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, ms);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.send(bytes, port, '127.0.0.1');
  });
}

describe('DNS with dig: the seed\'s zone, answered as BIND answers it', { skip: hasCommand('dig') ? false : 'dig not installed (bind9-dnsutils)' }, () => {
  let lab: DnsLab;
  let port: number;
  let extraDir: string;
  const q = (...args: string[]) => dig('127.0.0.1', port, ['+nocmd', '+nostats', ...args]);

  before(async () => {
    const extra = await writeExtraZone();
    extraDir = extra.dir;
    lab = await startDnsLab((config) => {
      config.hosts?.push({ name: 'six.st.um', address: '::1' });
      config.dns = { ...config.dns, zones: [{ name: 'st.um', file: extra.file }] };
    });
    port = lab.port();
  });
  after(async () => {
    await lab?.dispose();
    await rm(extraDir, { recursive: true, force: true });
  });

  it('answers www.st.um as the seed\'s dig shows: CNAME and A, NS in authority, glue in additional', async () => {
    const out = (await q('www.st.um')).stdout;
    assert.deepEqual(header(out).status, 'NOERROR');
    assert.ok(header(out).flags.includes('aa'), out);
    assert.deepEqual(section(out, 'ANSWER'), ['www.st.um. 604800 IN CNAME st.um.', 'st.um. 604800 IN A 127.0.0.1']);
    assert.deepEqual(section(out, 'AUTHORITY').sort(), ['st.um. 604800 IN NS ns1.st.um.', 'st.um. 604800 IN NS ns2.st.um.']);
    assert.deepEqual(section(out, 'ADDITIONAL').sort(), ['ns1.st.um. 604800 IN A 127.0.0.1', 'ns2.st.um. 604800 IN A 127.0.0.2']);
  });

  it('serves SOA, NS, A, AAAA, MX, TXT, SRV, PTR, CNAME and CAA records', async () => {
    const answer = async (name: string, type: string): Promise<string[]> => section((await q(name, type)).stdout, 'ANSWER');
    const soa = await answer('st.um', 'SOA');
    assert.match(soa[0] ?? '', /^st\.um\. 604800 IN SOA ns1\.st\.um\. root\.ns1\.st\.um\. \d+ 604800 86400 2419200 604800$/);
    assert.deepEqual((await answer('st.um', 'NS')).sort(), ['st.um. 604800 IN NS ns1.st.um.', 'st.um. 604800 IN NS ns2.st.um.']);
    assert.deepEqual(await answer('ns2.st.um', 'A'), ['ns2.st.um. 604800 IN A 127.0.0.2']);
    assert.deepEqual(await answer('six.st.um', 'AAAA'), ['six.st.um. 604800 IN AAAA ::1']);
    const mx = await q('st.um', 'MX');
    assert.deepEqual(section(mx.stdout, 'ANSWER'), ['st.um. 604800 IN MX 10 mail.st.um.', 'st.um. 604800 IN MX 20 mail2.st.um.']);
    assert.ok(section(mx.stdout, 'ADDITIONAL').includes('mail2.st.um. 604800 IN A 127.0.0.2'), 'the MX targets\' addresses are in additional');
    assert.deepEqual(await answer('st.um', 'TXT'), ['st.um. 604800 IN TXT "v=spf1 mx a -all"']);
    for (const label of ['_submission._tcp', '_imap._tcp', '_imaps._tcp', '_pop3._tcp', '_pop3s._tcp', '_ldap._tcp']) {
      const srv = await answer(`${label}.st.um`, 'SRV');
      assert.equal(srv.length, 1, `${label} has an SRV record`);
      assert.match(srv[0] ?? '', new RegExp(`^${label.replace(/\./g, '\\.')}\\.st\\.um\\. 604800 IN SRV \\d+ \\d+ \\d+ \\S+$`));
    }
    assert.deepEqual(await answer('1.0.0.127.in-addr.arpa', 'PTR'), ['1.0.0.127.in-addr.arpa. 604800 IN PTR st.um.']);
    assert.deepEqual(await answer('2.0.0.127.in-addr.arpa', 'PTR'), ['2.0.0.127.in-addr.arpa. 604800 IN PTR ns2.st.um.']);
    assert.deepEqual(await answer('3.0.0.127.in-addr.arpa', 'PTR'), ['3.0.0.127.in-addr.arpa. 604800 IN PTR um.es.']);
    const six = await answer('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa', 'PTR');
    assert.deepEqual(six, ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa. 604800 IN PTR six.st.um.']);
    assert.deepEqual(await answer('www.st.um', 'CNAME'), ['www.st.um. 604800 IN CNAME st.um.']);
    for (const alias of ['smtp', 'pop3', 'imap', 'ldap', 'www1', 'www2', 'www3']) {
      assert.deepEqual(await answer(`${alias}.st.um`, 'CNAME'), [`${alias}.st.um. 604800 IN CNAME st.um.`]);
    }
    assert.deepEqual(await answer('caa.st.um', 'CAA'), ['caa.st.um. 3600 IN CAA 0 issue "st.um"']);
  });

  it('follows a CNAME chain inside the zone, CNAMEs first', async () => {
    assert.deepEqual(section((await q('alias.st.um')).stdout, 'ANSWER'), [
      'alias.st.um. 3600 IN CNAME www.st.um.',
      'www.st.um. 604800 IN CNAME st.um.',
      'st.um. 604800 IN A 127.0.0.1',
    ]);
  });

  it('says NXDOMAIN and NODATA with AA and the SOA in authority; an empty non-terminal is NODATA', async () => {
    for (const [name, type, status] of [
      ['nope.st.um', 'A', 'NXDOMAIN'],
      ['st.um', 'AAAA', 'NOERROR'],
      ['_tcp.st.um', 'A', 'NOERROR'],
      ['ns1.st.um', 'MX', 'NOERROR'],
    ] as const) {
      const out = (await q(name, type)).stdout;
      assert.equal(header(out).status, status, `${name} ${type}`);
      assert.ok(header(out).flags.includes('aa'), `${name} ${type} is authoritative`);
      const answers = section(out, 'ANSWER').filter((l) => !l.includes('CNAME'));
      assert.deepEqual(answers, [], `${name} ${type} has no answer`);
      assert.match(section(out, 'AUTHORITY')[0] ?? '', /^st\.um\. 604800 IN SOA ns1\.st\.um\./, `${name} ${type}: SOA in authority`);
    }
  });

  it('answers names under a wildcard from it', async () => {
    assert.deepEqual(section((await q('anything.wild.st.um', 'TXT')).stdout, 'ANSWER'), ['anything.wild.st.um. 3600 IN TXT "wildcard"']);
  });

  it('keeps the question\'s case and matches names case-insensitively', async () => {
    const out = (await q('WwW.sT.uM')).stdout;
    assert.deepEqual(section(out, 'QUESTION'), [';WwW.sT.uM. IN A']);
    assert.deepEqual(section(out, 'ANSWER'), ['WwW.sT.uM. 604800 IN CNAME st.um.', 'st.um. 604800 IN A 127.0.0.1']);
  });

  it('answers over TCP', async () => {
    const out = (await q('+tcp', 'st.um', 'MX')).stdout;
    assert.equal(section(out, 'ANSWER').length, 2);
  });

  it('answers every pipelined TCP query, even from a client that closes its side right after sending', async () => {
    const query = Buffer.from('abcd01000001000000000000' + '03777777' + '02737402756d00' + '00010001', 'hex');
    const framed = Buffer.concat([Buffer.from([0, query.length]), query]);
    const received = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const chunks: Buffer[] = [];
      socket.setTimeout(3000, () => reject(new Error('no end of answers')));
      socket.on('error', reject);
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      // Three queries in one write, the second length prefix split across two writes.
      socket.write(Buffer.concat([framed, framed.subarray(0, 1)]));
      socket.end(Buffer.concat([framed.subarray(1), framed]));
    });
    const lengths: number[] = [];
    for (let at = 0; at + 2 <= received.length; at += 2 + received.readUInt16BE(at)) lengths.push(received.readUInt16BE(at));
    assert.equal(lengths.length, 3, `three answers (${received.length} bytes)`);
  });

  it('echoes EDNS (OPT, payload 1232), never adds OPT to a plain query, and says BADVERS to EDNS version 1', async () => {
    const withEdns = (await q('st.um')).stdout;
    assert.match(withEdns, /EDNS: version: 0, flags:; udp: 1232/);
    const plain = (await q('+noedns', 'st.um')).stdout;
    assert.doesNotMatch(plain, /OPT PSEUDOSECTION/);
    assert.equal(header(plain).status, 'NOERROR');
    const v1 = (await q('+edns=1', '+noednsneg', 'st.um')).stdout;
    assert.equal(header(v1).status, 'BADVERS');
  });

  it('truncates over UDP (TC) beyond 512 bytes without EDNS and beyond the advertised size, and answers in full over TCP', async () => {
    const plain = (await q('+noedns', '+ignore', 'big.st.um')).stdout;
    assert.ok(header(plain).flags.includes('tc'), plain);
    const small = (await q('+bufsize=512', '+ignore', 'big.st.um')).stdout;
    assert.ok(header(small).flags.includes('tc'), small);
    const edns = (await q('big.st.um')).stdout;
    assert.ok(!header(edns).flags.includes('tc'));
    assert.equal(section(edns, 'ANSWER').length, 40);
    const tcp = (await q('+noedns', '+tcp', 'big.st.um')).stdout;
    assert.equal(section(tcp, 'ANSWER').length, 40);
    // dig retries a truncated answer over TCP by itself, as resolvers do.
    const retried = (await q('+noedns', 'big.st.um')).stdout;
    assert.equal(section(retried, 'ANSWER').length, 40);
  });

  it('compresses names: a repeated name is a pointer, not a copy', async () => {
    // st.um NS, no EDNS: the answer repeats st.um in four places.
    const query = Buffer.from('abcd01000001000000000000' + '02737402756d00' + '00020001', 'hex');
    const reply = await rawUdp(port, query);
    assert.ok(reply, 'an answer');
    // The NS records' owner "st.um" points at the question (offset 12): 0xc00c.
    assert.ok(reply.includes(Buffer.from([0xc0, 0x0c])), 'owner names point at the question');
    assert.ok(reply.length < 120, `the answer is compact (${reply.length} bytes)`);
  });

  it('says FORMERR to a malformed query, NOTIMP to an unknown opcode, and ignores responses', async () => {
    const truncatedQuestion = Buffer.from('beef01000001000000000000037777', 'hex');
    const formerr = await rawUdp(port, truncatedQuestion);
    assert.ok(formerr);
    assert.equal(formerr.readUInt16BE(0), 0xbeef);
    assert.equal(formerr.readUInt16BE(2) & 0x800f, 0x8001, 'QR and FORMERR');
    const status = (await q('+opcode=status', 'st.um')).stdout;
    assert.equal(header(status).status, 'NOTIMP');
    const response = Buffer.from('beef81800001000000000000' + '02737402756d00' + '00010001', 'hex');
    assert.equal(await rawUdp(port, response, 700), undefined, 'no reply to a packet with QR=1');
  });

  it('serves the other domain, um.es, from its own host (127.0.0.3)', async () => {
    const out = (await dig('127.0.0.3', lab.port('dns-umes'), ['+norec', 'um.es', 'MX'])).stdout;
    assert.ok(header(out).flags.includes('aa'));
    assert.deepEqual(section(out, 'ANSWER'), ['um.es. 604800 IN MX 10 mail.um.es.']);
    assert.deepEqual(section(out, 'ADDITIONAL').sort(), ['mail.um.es. 604800 IN A 127.0.0.3', 'ns1.um.es. 604800 IN A 127.0.0.3']);
  });

  it('refuses names outside its zones to clients outside the local network, without RA', async () => {
    const out = (await dig('127.0.0.1', port, ['+nocmd', 'example.com'], { source: '127.0.0.9' })).stdout;
    assert.equal(header(out).status, 'REFUSED');
    const own = (await dig('127.0.0.1', port, ['+nocmd', 'st.um'], { source: '127.0.0.9' })).stdout;
    assert.equal(header(own).status, 'NOERROR', 'its own zones are answered to anyone');
    assert.ok(!header(own).flags.includes('ra'), 'no recursion offered to a stranger');
  });

  it('transfers the zone (AXFR) to allowed addresses only: the secondary ns2, not 127.0.0.9', async () => {
    const allowed = await dig('127.0.0.1', port, ['st.um', 'AXFR', '+nocmd', '+nostats'], { source: '127.0.0.2' });
    const records = allowed.stdout.split('\n').filter((l) => l.trim() && !l.startsWith(';'));
    assert.match(records[0] ?? '', /\tSOA\t/);
    assert.match(records.at(-1) ?? '', /\tSOA\t/);
    assert.ok(records.some((l) => /^www\.st\.um\.\s+604800\s+IN\s+CNAME\s+st\.um\.$/.test(l)));
    assert.ok(records.length > 60, `every record (${records.length})`);
    const refused = await dig('127.0.0.1', port, ['st.um', 'AXFR', '+nocmd'], { source: '127.0.0.9' });
    assert.match(refused.stdout, /Transfer failed/);
    // IXFR from a serial the server no longer knows: the whole zone, as AXFR would (RFC 1995 §4).
    const ixfr = await dig('127.0.0.1', port, ['st.um', 'IXFR=1', '+nocmd', '+nostats'], { source: '127.0.0.2' });
    assert.equal(ixfr.stdout.split('\n').filter((l) => l.trim() && !l.startsWith(';')).length, records.length);
    // AXFR is a TCP-only query (RFC 5936 §4.2): over UDP it is a format error.
    const overUdp = await rawUdp(port, Buffer.from('abcd00000001000000000000' + '02737402756d00' + '00fc0001', 'hex'));
    assert.equal((overUdp?.readUInt16BE(2) ?? 0) & 0x000f, 1, 'FORMERR');
  });

  it('puts every exchange on the wire tap, with a note summarising question and answer', async () => {
    await q('www.st.um');
    const notes = lab.transcripts
      .list()
      .filter((c) => c.open.kind === 'dns' && c.open.transport === 'udp')
      .flatMap((c) => c.events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text));
    const note = notes.find((t) => t.startsWith('www.st.um A → CNAME st.um, A 127.0.0.1'));
    assert.ok(note, `a note for www.st.um among ${notes.length}`);
    assert.match(note, /id 0x[0-9a-f]{4} QUERY NOERROR flags \[qr aa rd ra\] QUERY 1, ANSWER 2, AUTHORITY 2, ADDITIONAL 3/);
  });
});
