import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryRecords } from '../../src/mail/queue/delivery-state.js';
import { OutboundQueue } from '../../src/mail/queue/outbound-queue.js';
import { startTestLab } from '../helpers/lab.js';
import { maildirMessages } from '../helpers/maildir.js';
import { FakeRemote } from './fake-remote.js';
import { eventually, parseWithPython, submit, withQueue } from './helpers.js';

/** Not a lab host: the test's own server, reached as the smarthost. */
const REMOTE_ADDRESS = '127.0.0.40';

describe('temporary failures: retried on the lab clock, then delivered or given up', () => {
  it('a greylisting remote (451 on the first try) is retried after the first backoff and then delivered, once', async () => {
    const firstSeen = new Map<string, number>();
    const remote = await new FakeRemote(REMOTE_ADDRESS, {
      rcpt: (address, from) => {
        const triplet = `${from}|${address}`;
        if (!firstSeen.has(triplet)) {
          firstSeen.set(triplet, Date.now());
          return '451 4.7.1 <' + address + '>: Recipient address rejected: Greylisted, try again later';
        }
        return '250 2.1.5 Ok';
      },
    }).start();
    // 300 lab seconds (the first retry) pass in 1 s of wall clock.
    const lab = await startTestLab({ edit: withQueue({ clockSpeed: 300, smarthost: { host: REMOTE_ADDRESS, port: remote.port, tls: 'opportunistic' } }) });
    try {
      const submission = lab.endpoint('submission');
      const submittedAt = Date.now();
      const id = await submit({
        port: submission.port,
        login: { user: 'user1@st.um', password: 'password' },
        from: 'user1@st.um',
        to: ['friend@grey.test'],
        message: 'Subject: greylisted\n\n.a line that starts with a dot\nbye\n',
      });
      const records = new DeliveryRecords(lab.dataDir.queue);
      const deferred = await eventually('the first try to be deferred', async () => {
        const r = (await records.load(id))?.recipients[0];
        return r?.status === 'deferred' ? r : undefined;
      });
      assert.equal(deferred.attempts, 1);
      assert.equal(deferred.failure.status, '4.7.1');
      assert.match(deferred.failure.text, /said: 451 4\.7\.1 <friend@grey\.test>: Recipient address rejected: Greylisted/);
      // Postfix's schedule: the first retry 300 s (lab time) after the failure.
      assert.ok(deferred.nextAttemptAt - deferred.lastAttemptAt >= 990 && deferred.nextAttemptAt - deferred.lastAttemptAt <= 1010, `next try ${deferred.nextAttemptAt - deferred.lastAttemptAt} ms later`);

      const [mail] = await remote.waitForMails(1, 15_000);
      assert.ok(mail, 'the retry never delivered');
      assert.ok(mail.acceptedAt - submittedAt >= 1000, 'delivered before the first backoff had passed');
      assert.deepEqual(mail.recipients, ['friend@grey.test']);
      assert.match(mail.data.toString(), /\r\n\r\n\.a line that starts with a dot\r\nbye\r\n$/, 'the dot-stuffing was undone exactly');
      const queue = new OutboundQueue(lab.dataDir.queue);
      await eventually('the message to leave the queue', async () => ((await queue.ids()).includes(id) ? undefined : true));
      assert.equal(remote.mails.length, 1, 'delivered exactly once');
      assert.equal(remote.sessions.flat().filter((l) => l.startsWith('RCPT')).length, 2, 'two tries in all');
    } finally {
      await lab.dispose();
      await remote.stop();
    }
  });

  it('the lab clock drives a 5-day give-up in seconds: a delay warning first, then the bounce, after the schedule\'s number of tries', async (t) => {
    const remote = await new FakeRemote(REMOTE_ADDRESS, { rcpt: () => '450 4.2.0 Mailbox temporarily unavailable' }).start();
    // 5 days in 10 s; the 4-hour delay warning after a third of a second.
    const speed = (5 * 86400) / 10;
    const lab = await startTestLab({ edit: withQueue({ clockSpeed: speed, smarthost: { host: REMOTE_ADDRESS, port: remote.port, tls: 'opportunistic' } }) });
    try {
      const submission = lab.endpoint('submission');
      const submittedAt = Date.now();
      await submit({
        port: submission.port,
        login: { user: 'user1@st.um', password: 'password' },
        from: 'user1@st.um',
        to: ['patient@slow.test'],
        message: 'Subject: will it ever arrive\nMessage-ID: <slow-1@st.um>\n\nwaiting\n',
      });
      const inbox = lab.dataDir.maildirOf('user1@st.um');
      const warning = await eventually('the delay warning', async () => (await maildirMessages(inbox)).find((m) => /Subject: Delayed Mail/.test(m.bytes.toString())), 10_000);
      const warned = await parseWithPython(warning.bytes);
      assert.equal(warned.contentType, 'multipart/report');
      assert.equal(warned.statusBlocks[1]?.action, 'delayed');
      assert.equal(warned.statusBlocks[1]?.status, '4.2.0');
      assert.ok(warned.statusBlocks[1]?.['will-retry-until'], 'a delay notice says until when it retries');
      assert.match(warned.text, /THIS IS A WARNING ONLY/);
      assert.match(warned.text, /could not be delivered for more than 4 hours\.\r?\nIt will be retried until it is 5 days old/);

      const bounce = await eventually('the give-up bounce', async () => (await maildirMessages(inbox)).find((m) => /Subject: Undelivered Mail/.test(m.bytes.toString())), 30_000);
      const elapsed = Date.now() - submittedAt;
      assert.ok(elapsed >= 9_900, `gave up after ${elapsed} ms, before the 5 lab days (10 s) had passed`);
      const report = await parseWithPython(bounce.bytes);
      assert.equal(report.statusBlocks[1]?.action, 'failed');
      assert.equal(report.statusBlocks[1]?.status, '4.2.0', 'the last temporary status, as Postfix reports an expired message');
      assert.match(report.text, /gave up after 5\s+days in the queue/);
      assert.match(report.returnedHeaders, /Message-ID: <slow-1@st\.um>/);

      // Tries at 0, 5, 15, 35, 75 minutes, then every 4000 s, and a last one at 5 days: 112 at most.
      // How many of the 4000 s tries fit depends on the machine's speed (the wait starts when a try
      // ends, and a lab second is 23 real microseconds here), so only the backoffs and the last try are certain.
      const tries = remote.sessions.flat().filter((l) => l.startsWith('RCPT')).length;
      assert.ok(tries <= 112 && tries >= 6, `${tries} tries`);
      t.diagnostic(`${tries} tries in ${elapsed} ms before the give-up`);
      const notices = (await maildirMessages(inbox)).filter((m) => /MAILER-DAEMON/.test(m.bytes.toString()));
      assert.equal(notices.length, 2, 'one warning, one bounce');
    } finally {
      await lab.dispose();
      await remote.stop();
    }
  });
});
