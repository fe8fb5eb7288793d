import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryRecords } from '../../src/mail/queue/delivery-state.js';
import type { DataEvent } from '../../src/net/tap.js';
import { startTestLab } from '../helpers/lab.js';
import { waitForMessages } from '../helpers/maildir.js';
import { eventually, headerFields, submit, withQueue } from './helpers.js';

/** The seed's dc_smarthost: st.um sends everything through um.es's submission service, logged in as user3. */
function viaSmarthost(password: string): ReturnType<typeof withQueue> {
  return withQueue({ smarthost: { host: 'mail.um.es', port: 587, tls: 'starttls', user: 'user3@um.es', password } });
}

describe('relay through a smarthost (the seed\'s dc_smarthost), with STARTTLS and AUTH', () => {
  it('st.um hands its mail to um.es\'s submission port: TLS verified by the lab CA, then AUTH PLAIN, the password hidden on the tap', async () => {
    const lab = await startTestLab({ edit: viaSmarthost('password') });
    try {
      const submission = lab.endpoint('submission');
      await submit({
        port: submission.port,
        login: { user: 'user1@st.um', password: 'password' },
        from: 'user1@st.um',
        to: ['user3@um.es'],
        message: 'Subject: via the smarthost\n\nrelayed\n',
      });
      const [message] = await waitForMessages(lab.dataDir.maildirOf('user3@um.es'), 1, 15_000);
      assert.ok(message, 'nothing arrived through the smarthost');
      const received = headerFields(message.bytes).filter((f) => f.name === 'received').map((f) => f.value);
      assert.match(received[0]!, /^from st\.um \(st\.um \[127\.0\.0\.1\]\) \(using TLSv1\.[23] with cipher \S+\) \(Authenticated sender: user3@um\.es\) by um\.es \(wirelab\) with ESMTPSA/);

      const hop = lab.transcripts.list().find((c) => c.open.service === 'delivery' && c.open.server.address === '127.0.0.3');
      assert.ok(hop, 'no conversation with the smarthost');
      const fromUs = hop.events.filter((e): e is DataEvent => e.type === 'data' && e.from === 'client');
      const auth = fromUs.find((e) => e.bytes.toString().startsWith('AUTH PLAIN'));
      assert.equal(auth?.redacted, 'AUTH PLAIN ***\r\n', 'the tap shows the AUTH line without the password');
      const order = fromUs.map((e) => e.bytes.toString().split(' ')[0]!.trim());
      assert.deepEqual(order.slice(0, 4), ['EHLO', 'STARTTLS', 'EHLO', 'AUTH']);
    } finally {
      await lab.dispose();
    }
  });

  it('a smarthost that refuses the login defers the mail, with the server\'s reply as the reason', async () => {
    const lab = await startTestLab({ edit: viaSmarthost('wrong') });
    try {
      const submission = lab.endpoint('submission');
      const id = await submit({
        port: submission.port,
        login: { user: 'user1@st.um', password: 'password' },
        from: 'user1@st.um',
        to: ['someone@elsewhere.test'],
        message: 'Subject: refused login\n\nwait\n',
      });
      const records = new DeliveryRecords(lab.dataDir.queue);
      const deferred = await eventually('the deferral', async () => {
        const r = (await records.load(id))?.recipients[0];
        return r?.status === 'deferred' ? r : undefined;
      });
      assert.match(deferred.failure.text, /^SASL authentication failed; server mail\.um\.es\[127\.0\.0\.3\] said: 535 5\.7\.8 Error: authentication failed/);
      assert.equal(deferred.failure.status, '4.7.8', 'a refused login is a reason to wait, not to bounce');
    } finally {
      await lab.dispose();
    }
  });
});
