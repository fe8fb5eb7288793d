import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LabConfigInput } from '../../src/lab/config.js';
import { DeliveryRecords } from '../../src/mail/queue/delivery-state.js';
import { OutboundQueue } from '../../src/mail/queue/outbound-queue.js';
import { startTestLab } from '../helpers/lab.js';
import { waitForMessages } from '../helpers/maildir.js';
import { LineReader, openSocket } from '../helpers/transcript.js';
import { eventually, headerFields, submit, withQueue } from './helpers.js';

/** The lab clock for this test: the first retry (5 minutes) comes after 0.3 s. */
const CLOCK = { clockSpeed: 1000 };

function primaryMx(enabled: boolean): (c: LabConfigInput) => void {
  return withQueue(CLOCK, (c) => {
    c.services!.smtp = { ...c.services!.smtp!, enabled };
  });
}

describe('MX failover: with mail.st.um down, mail goes to the backup MX mail2.st.um and reaches the mailbox once the primary returns', () => {
  it('queues at mail2, waits, delivers after the primary is back (across a lab restart)', async () => {
    const data = await mkdtemp(join(tmpdir(), 'wirelab-failover-'));
    try {
      const first = await startTestLab({ dataDir: data, keepData: true, edit: primaryMx(false) });
      try {
        const umes = first.services.find((s) => s.name === 'submission-umes')!.endpoints[0]!;
        await submit({
          port: umes.port,
          address: umes.address,
          login: { user: 'user3@um.es', password: 'password' },
          from: 'user3@um.es',
          to: ['user1@st.um'],
          message: 'Subject: while mail.st.um is down\nMessage-ID: <failover-1@um.es>\n\nPlease keep this for me.\n',
        });
        // um.es's agent found mail.st.um (MX 10) down and handed the message to mail2.st.um (MX 20),
        // whose agent now holds it for the primary.
        const queue = new OutboundQueue(join(data, 'queue'));
        const records = new DeliveryRecords(join(data, 'queue'));
        const held = await eventually('the message waiting at the backup MX', async () => {
          for (const envelope of await queue.list()) {
            if (envelope.host !== 'ns2.st.um') continue;
            const record = await records.load(envelope.id);
            const r = record?.recipients[0];
            if (r?.status === 'deferred') return { envelope, recipient: r };
          }
          return undefined;
        });
        assert.deepEqual(held.envelope.recipients, ['user1@st.um']);
        assert.equal(held.envelope.from, 'user3@um.es');
        assert.equal(held.recipient.failure.text, 'connect to mail.st.um[127.0.0.1]: no SMTP service runs on lab host st.um now');
        const umesQueue = (await queue.list()).filter((e) => e.host === 'um.es');
        assert.deepEqual(umesQueue, [], 'um.es handed the message over; nothing is left in its queue');
      } finally {
        await first.stop();
      }

      // The primary comes back; mail2's agent delivers what it kept.
      const second = await startTestLab({ dataDir: data, keepData: true, edit: primaryMx(true) });
      try {
        const [message] = await waitForMessages(second.dataDir.maildirOf('user1@st.um'), 1, 15_000);
        assert.ok(message, 'the message never reached user1@st.um');
        const received = headerFields(message.bytes).filter((f) => f.name === 'received').map((f) => f.value);
        assert.equal(received.length, 3, received.join('\n'));
        assert.match(received[0]!, /^from ns2\.st\.um \(ns2\.st\.um \[127\.0\.0\.2\]\) .*by st\.um \(wirelab\)/);
        assert.match(received[1]!, /^from um\.es \(um\.es \[127\.0\.0\.3\]\) .*by ns2\.st\.um \(wirelab\)/);
        assert.match(received[2]!, /by um\.es \(wirelab\) with ESMTPA/);
        const queue = new OutboundQueue(second.dataDir.queue);
        await eventually('the backup MX\'s queue to empty', async () => ((await queue.ids()).length === 0 ? true : undefined));
      } finally {
        await second.stop();
      }
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });

  it('the backup MX accepts st.um\'s mail from a stranger, as an MX must, and is no open relay', async () => {
    const lab = await startTestLab();
    try {
      const mx2 = lab.services.find((s) => s.name === 'smtp-mx2')!.endpoints[0]!;
      const { client, banner } = await connectFrom(mx2.address, mx2.port, '127.0.0.66');
      assert.match(banner.at(-1)!, /^220 ns2\.st\.um ESMTP/);
      await client.send('HELO stranger.example');
      await client.send('MAIL FROM:<someone@stranger.example>');
      assert.equal(await client.last('RCPT TO:<user1@st.um>'), '250 2.1.5 Ok');
      assert.equal(await client.last('RCPT TO:<victim@example.org>'), '554 5.7.1 <victim@example.org>: Relay access denied');
      client.close();
    } finally {
      await lab.dispose();
    }
  });
});

/** An SMTP client connection from a chosen loopback address to a lab host's own address. */
async function connectFrom(address: string, port: number, localAddress: string): Promise<{ client: { send(l: string): Promise<string[]>; last(l: string): Promise<string>; close(): void }; banner: string[] }> {
  const socket = await openSocket(port, address, localAddress);
  const reader = new LineReader(socket);
  const send = async (line: string): Promise<string[]> => {
    socket.write(`${line}\r\n`);
    return reader.reply();
  };
  return {
    banner: await reader.reply(),
    client: { send, last: async (line) => (await send(line)).at(-1) ?? '(closed)', close: () => socket.destroy() },
  };
}
