import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { captureFile } from '../../src/net/pcap-export.js';
import { internetChecksum, ipBytes } from '../../src/net/pcap-packets.js';
import type { TapEvent } from '../../src/net/tap.js';
import type { Conversation } from '../../src/net/transcripts.js';
import { hasCommand, run } from '../helpers/run.js';

test('the Internet checksum and address parsing', () => {
  // RFC 1071 §3's example words.
  assert.equal(internetChecksum(Buffer.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])), ~0xddf2 & 0xffff);
  assert.equal(ipBytes('::1').toString('hex'), '00000000000000000000000000000001');
  assert.equal(ipBytes('fe80::1:2').toString('hex'), 'fe800000000000000000000000010002');
  assert.equal(ipBytes('::ffff:127.0.0.2').toString('hex'), '00000000000000000000ffff7f000002');
  assert.equal(ipBytes('127.0.0.3').toString('hex'), '7f000003');
});

function conversation(): Conversation {
  const at = Date.now();
  const conn = 'imap-test-1';
  const big = Buffer.alloc(4000, 0x78);
  big.write('* 1 FETCH (BODY[] {3970}\r\n');
  const events: TapEvent[] = [
    { type: 'open', conn, at, service: 'imap', kind: 'imap', host: 'st.um', transport: 'tcp', client: { address: '::1', port: 50123 }, server: { address: '::1', port: 10143 } },
    { type: 'data', conn, at: at + 1, from: 'server', bytes: Buffer.from('* OK ready\r\n') },
    { type: 'data', conn, at: at + 2, from: 'client', bytes: Buffer.from('a1 FETCH 1 BODY[]\r\n') },
    { type: 'data', conn, at: at + 3, from: 'server', bytes: big },
    { type: 'tls', conn, at: at + 4, protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
    { type: 'data', conn, at: at + 5, from: 'client', bytes: Buffer.from('a2 LOGOUT\r\n') },
    { type: 'close', conn, at: at + 6, reason: 'closed' },
  ];
  return { open: events[0] as Extract<TapEvent, { type: 'open' }>, events, keptBytes: 0, closed: true };
}

test('IPv6 conversations become segments of at most the MSS, with valid checksums and the comments', async (t) => {
  if (!hasCommand('tshark')) return t.skip('tshark not installed');
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-pcap-'));
  try {
    const file = join(dir, 'v6.pcapng');
    await writeFile(file, captureFile([conversation()], { serverPort: () => 143 }));
    const fields = await run('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-T', 'fields', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-e', 'tcp.len', '-e', 'tcp.checksum.status', '-e', 'tcp.flags.str', '-e', 'frame.comment']);
    assert.equal(fields.code, 0, fields.stderr);
    const rows = fields.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.ok(rows.every((r) => r[0] === '::1'));
    assert.ok(rows.every((r) => r[3] === '1'), 'every TCP checksum is good (status 1)');
    const lengths = rows.map((r) => Number(r[2])).filter((n) => n > 0);
    assert.deepEqual(lengths, [12, 19, 1440, 1440, 1120, 11], 'the 4000-byte response is cut at the IPv6 MSS');
    assert.match(rows[0]?.[5] ?? '', /wirelab conversation imap-test-1: imap \(imap\) on st\.um \(the server's real port 10143 written as 143\)/);
    assert.ok(rows.some((r) => /TLS \(TLSv1\.3, TLS_AES_128_GCM_SHA256\) began here/.test(r[5] ?? '')));
    const imap = await run('tshark', ['-r', file, '-Y', 'imap', '-T', 'fields', '-e', 'imap.request.command']);
    assert.match(imap.stdout, /FETCH/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
