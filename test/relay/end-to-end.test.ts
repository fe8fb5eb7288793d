import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OutboundQueue } from '../../src/mail/queue/outbound-queue.js';
import type { NoteEvent } from '../../src/net/tap.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { maildirMessages, waitForMessages } from '../helpers/maildir.js';
import { hasCommand, run } from '../helpers/run.js';
import { eventually, headerFields, parseWithPython, submit } from './helpers.js';

/** The demo lab as it is: st.um on 127.0.0.1, the backup MX on 127.0.0.2, um.es on 127.0.0.3, each with its delivery agent. */
describe('mail between domains in the demo lab: st.um → um.es and back, through the lab DNS', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab();
  });
  after(async () => {
    await lab?.dispose();
  });

  it('user1@st.um sends through 587 (swaks) to user3@um.es: it lands in um.es\'s Maildir with both Received headers', async (t) => {
    if (!hasCommand('swaks')) return t.skip('swaks not installed');
    const submission = lab.endpoint('submission');
    const res = await run('swaks', [
      '--server', `${submission.address}:${submission.port}`,
      '--auth', 'PLAIN', '--auth-user', 'user1@st.um', '--auth-password', 'password',
      '--from', 'user1@st.um', '--to', 'user3@um.es',
      '--header', 'Subject: across domains', '--body', 'Hello um.es, this is st.um.',
    ], { timeoutMs: 30_000 });
    assert.equal(res.code, 0, res.stdout + res.stderr);

    const [delivered] = await waitForMessages(lab.dataDir.maildirOf('user3@um.es'), 1, 15_000);
    assert.ok(delivered, 'nothing arrived in user3@um.es\'s Maildir');
    const received = headerFields(delivered.bytes).filter((f) => f.name === 'received').map((f) => f.value);
    assert.equal(received.length, 2, received.join('\n'));
    // The newest hop on top (RFC 5321 §4.4): um.es received it from st.um, which received it from swaks.
    assert.match(received[0]!, /^from st\.um \(st\.um \[127\.0\.0\.1\]\) \(using TLSv1\.[23] with cipher \S+\) by um\.es \(wirelab\) with ESMTPS id [0-9A-F]+ for <user3@um\.es>/);
    assert.match(received[1]!, /\(Authenticated sender: user1@st\.um\) by st\.um \(wirelab\) with ESMTPA id /);
    assert.match(delivered.bytes.toString(), /\r\n\r\nHello um\.es, this is st\.um\.\r\n/);
  });

  it('the tap shows the hop by hop story: st.um asked the lab DNS for um.es\'s MX, then spoke SMTP (STARTTLS, verified) to mail.um.es', async () => {
    await eventually('the delivery conversation', () => lab.transcripts.list().find((c) => c.open.service === 'delivery' && c.closed) ?? undefined);
    const conversations = lab.transcripts.list();
    const hop = conversations.find((c) => c.open.service === 'delivery' && c.open.server.address === '127.0.0.3');
    assert.ok(hop, 'no client conversation from the delivery agent to um.es');
    assert.equal(hop.open.kind, 'smtp');
    assert.equal(hop.open.client.address, '127.0.0.1');
    const said = hop.events.flatMap((e) => (e.type === 'data' && e.from === 'client' ? [e.bytes.toString()] : [])).join('');
    assert.match(said, /^EHLO st\.um\r\nSTARTTLS\r\nEHLO st\.um\r\nMAIL FROM:<user1@st\.um> SIZE=\d+\r\nRCPT TO:<user3@um\.es>\r\nDATA\r\n/);
    assert.ok(hop.events.some((e) => e.type === 'tls'), 'no TLS upgrade on the hop');
    const notes = hop.events.filter((e): e is NoteEvent => e.type === 'note').map((e) => e.text);
    assert.ok(notes.some((n) => /MX 10 of um\.es/.test(n)), notes.join('\n'));
    assert.ok(notes.some((n) => /certificate of mail\.um\.es verified by the lab CA/.test(n)), notes.join('\n'));
    const dnsNotes = conversations
      .filter((c) => c.open.kind === 'dns' && c.open.client.address === '127.0.0.1')
      .flatMap((c) => c.events.filter((e): e is NoteEvent => e.type === 'note').map((e) => e.text));
    assert.ok(dnsNotes.some((n) => /um\.es.*MX|MX.*um\.es/i.test(n)), `no MX lookup of um.es on the tap: ${dnsNotes.join('\n')}`);
  });

  it('the reply comes back: user3@um.es writes through um.es\'s own submission service to user1@st.um', async () => {
    const umes = lab.services.find((s) => s.name === 'submission-umes')!.endpoints[0]!;
    await submit({
      port: umes.port,
      address: umes.address,
      login: { user: 'user3@um.es', password: 'password' },
      from: 'user3@um.es',
      to: ['user1@st.um'],
      message: 'Subject: Re: across domains\n\nGot it, thanks.\n',
    });
    const inbox = lab.dataDir.maildirOf('user1@st.um');
    const reply = await eventually('the reply in user1@st.um\'s INBOX', async () => (await maildirMessages(inbox)).find((m) => /Re: across domains/.test(m.bytes.toString())));
    const received = headerFields(reply.bytes).filter((f) => f.name === 'received').map((f) => f.value);
    assert.equal(received.length, 2, received.join('\n'));
    assert.match(received[0]!, /^from um\.es \(um\.es \[127\.0\.0\.3\]\) .* by st\.um \(wirelab\) with ESMTPS id /);
    assert.match(received[1]!, /by um\.es \(wirelab\) with ESMTPA id /);
  });

  it('a recipient um.es refuses with 550 gets a DSN in the sender\'s INBOX, which Python\'s email parser reads as multipart/report', async () => {
    const submission = lab.endpoint('submission');
    const id = await submit({
      port: submission.port,
      login: { user: 'user2@st.um', password: 'password' },
      from: 'user2@st.um',
      to: ['nobody@um.es', 'user3@um.es'],
      message: 'Subject: to a stranger\nMessage-ID: <stranger-1@st.um>\n\nIs anybody there?\n',
    });
    const inbox = lab.dataDir.maildirOf('user2@st.um');
    const bounce = await eventually('the DSN in user2@st.um\'s INBOX', async () => (await maildirMessages(inbox)).find((m) => /Undelivered Mail Returned to Sender/.test(m.bytes.toString())));
    const header = headerFields(bounce.bytes);
    assert.equal(header.find((f) => f.name === 'return-path')?.value, '<>', 'a DSN comes from the null sender');
    assert.equal(header.find((f) => f.name === 'auto-submitted')?.value, 'auto-replied');

    const report = await parseWithPython(bounce.bytes);
    assert.equal(report.contentType, 'multipart/report');
    assert.equal(report.reportType, 'delivery-status');
    assert.deepEqual(report.parts, ['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    assert.equal(report.statusBlocks[0]?.['reporting-mta'], 'dns; st.um');
    assert.equal(report.statusBlocks[0]?.['x-wirelab-queue-id'], id);
    assert.equal(report.statusBlocks.length, 2, 'one per-message block and one recipient: user3@um.es was delivered');
    const recipient = report.statusBlocks[1]!;
    assert.equal(recipient['final-recipient'], 'rfc822; nobody@um.es');
    assert.equal(recipient.action, 'failed');
    assert.equal(recipient.status, '5.1.1');
    assert.equal(recipient['remote-mta'], 'dns; mail.um.es');
    assert.match(recipient['diagnostic-code'] ?? '', /^smtp; 550 5\.1\.1 <nobody@um\.es>: Recipient address rejected/);
    assert.match(report.text, /<nobody@um\.es>: host mail\.um\.es\[127\.0\.0\.3\] said: 550 5\.1\.1/);
    assert.match(report.returnedHeaders, /Message-ID: <stranger-1@st\.um>/);
    // The other recipient was delivered, once.
    const user3 = await maildirMessages(lab.dataDir.maildirOf('user3@um.es'));
    assert.equal(user3.filter((m) => /stranger-1@st\.um/.test(m.bytes.toString())).length, 1);
    // Every recipient is final: the message has left the queue.
    const queue = new OutboundQueue(lab.dataDir.queue);
    await eventually('the message to leave the queue', async () => ((await queue.ids()).includes(id) ? undefined : true));
  });
});
