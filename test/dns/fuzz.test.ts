import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import dnsPacket from 'dns-packet';
import { demoConfig } from '../../src/lab/config.js';
import { Forwarder } from '../../src/dns/recursion/forwarder.js';
import { DnsEngine } from '../../src/dns/server/engine.js';
import { AnswerCache } from '../../src/dns/server/prepared.js';
import { ZoneRegistry } from '../../src/dns/server/zone-registry.js';
import { decodeMessage, encodeMessage, emptyMessage } from '../../src/dns/wire/message.js';
import { domainRecords } from '../../src/dns/zone/lab-zones.js';
import { Zone } from '../../src/dns/zone/zone.js';
import { planZones } from '../../src/dns/zone/zone-plan.js';
import { startDnsLab } from './helpers.js';

/** An engine serving the demo's st.um, in memory: no sockets, so thousands of packets run in seconds. */
function demoEngine(): DnsEngine {
  const config = demoConfig();
  const plan = planZones(config)[0]!;
  const records = domainRecords(plan, config.domains[0]!, { config, servicePort: (_s, p) => p });
  const registry = new ZoneRegistry([{ origin: 'st.um', role: 'primary' }]);
  registry.set('st.um', Zone.build('st.um', records));
  return new DnsEngine({
    zones: registry,
    cache: new AnswerCache(),
    forwarder: new Forwarder(() => [], '127.0.0.1'),
    recursionAllowed: () => false,
    transferAllowed: () => true,
    receiveNotify: () => 'not-secondary',
  });
}

function queryBytes(name: string, type: number, id = 0x1234, edns = true): Buffer {
  const m = emptyMessage(id);
  m.rd = true;
  m.questions = [{ name, type, class: 1 }];
  if (edns) m.edns = { udpPayloadSize: 1232, version: 0, dnssecOk: false, options: [] };
  return encodeMessage(m);
}

/** Malformed packets of the kinds that break servers: bad lengths, pointer loops, huge counts, flipped bits. */
const malformed = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 600 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.constantFrom('www.st.um', 'st.um', 'x.y.st.um'), fc.constantFrom(1, 2, 5, 6, 15, 16, 28, 33, 252, 251, 255, 41, 0, 65535), fc.boolean(), fc.array(fc.tuple(fc.nat(200), fc.nat(255)), { maxLength: 6 }), fc.nat(80))
    .map(([name, type, edns, flips, cut]) => {
      const bytes = queryBytes(name, type, 0x4242, edns);
      for (const [at, value] of flips) bytes[at % bytes.length] = value;
      return cut > 60 ? bytes : bytes.subarray(0, Math.max(0, bytes.length - (cut % 8)));
    }),
  // A name that is a compression pointer to itself, or a pointer chain going forward.
  fc.constantFrom(
    Buffer.from('abcd0100000100000000000' + '0c00c00010001', 'hex'),
    Buffer.from('abcd01000001000000000000' + '01' + '61' + 'c00c' + '00010001', 'hex'),
    Buffer.from('abcd01000001000000000000' + 'c00e' + 'c00c' + '00010001', 'hex'),
  ),
  // Huge section counts on a short packet.
  fc.tuple(fc.nat(0xffff), fc.nat(0xffff), fc.nat(0xffff), fc.nat(0xffff)).map(([qd, an, ns, ar]) => {
    const bytes = queryBytes('st.um', 1);
    bytes.writeUInt16BE(qd, 4);
    bytes.writeUInt16BE(an, 6);
    bytes.writeUInt16BE(ns, 8);
    bytes.writeUInt16BE(ar, 10);
    return bytes;
  }),
);

describe('malformed and random packets', () => {
  it('never crash the engine; every reply is a well-formed response to the same id', async () => {
    const engine = demoEngine();
    await fc.assert(
      fc.asyncProperty(malformed, fc.constantFrom('udp' as const, 'tcp' as const), async (packet, transport) => {
        const result = await engine.handle(packet, { address: '127.0.0.9', port: 5353, transport });
        for (const reply of result.messages) {
          const decoded = decodeMessage(reply);
          assert.equal(decoded.qr, true);
          assert.equal(decoded.id, packet.readUInt16BE(0));
          assert.ok(transport === 'tcp' || reply.length <= 1232, `a UDP reply fits: ${reply.length}`);
          // An independent decoder must read it too.
          dnsPacket.decode(reply);
        }
        if (packet.length >= 3 && packet[2]! & 0x80) assert.equal(result.messages.length, 0, 'a response is never answered');
      }),
      { numRuns: 3000 },
    );
    const answer = decodeMessage((await engine.handle(queryBytes('www.st.um', 1), { address: '127.0.0.1', port: 1, transport: 'udp' })).messages[0]!);
    assert.equal(answer.answers.length, 2);
  });

  it('over real sockets, the server keeps answering after a barrage of garbage on UDP and TCP', async () => {
    const lab = await startDnsLab((config) => {
      config.services = { dns: { host: 'st.um' } };
    });
    try {
      const port = lab.port();
      const packets = fc.sample(malformed, { numRuns: 400, seed: 42 });
      const udp = createSocket('udp4');
      await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
      for (const packet of packets) udp.send(packet, port, '127.0.0.1');
      const tcp = connect({ host: '127.0.0.1', port });
      tcp.on('error', () => undefined);
      await new Promise<void>((resolve) => tcp.once('connect', () => resolve()));
      for (const packet of packets.slice(0, 100)) {
        const framed = Buffer.alloc(2 + packet.length);
        framed.writeUInt16BE(packet.length);
        packet.copy(framed, 2);
        tcp.write(framed);
      }
      tcp.write(Buffer.from([0xff, 0xff, 1, 2, 3])); // announces 65535 bytes, sends 3: the server waits, bounded by its idle timeout
      tcp.destroy();
      await new Promise((r) => setTimeout(r, 300));
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer to a valid query after the garbage')), 3000);
        udp.removeAllListeners('message');
        udp.on('message', (msg) => {
          if (msg.readUInt16BE(0) === 0x7777) {
            clearTimeout(timer);
            resolve(msg);
          }
        });
        udp.send(queryBytes('www.st.um', 1, 0x7777), port, '127.0.0.1');
      });
      udp.close();
      assert.equal(decodeMessage(reply).answers.length, 2);
      assert.equal(lab.services[0]?.status().state, 'running');
    } finally {
      await lab.dispose();
    }
  });
});
