import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { maildirMessages } from '../helpers/maildir.js';
import { eventually, parseWithPython, submit } from './helpers.js';

/** Names under st.um whose mail cannot go anywhere: an MX pointing back at us, a null MX. */
const ZONE = `$ORIGIN st.um.
$TTL 3600
loop    IN  MX  10 mail.st.um.
nomail  IN  A   127.0.0.1
        IN  MX  0 .
`;

describe('mail that cannot go anywhere is bounced, never sent round in circles', () => {
  let lab: TestLab;
  let zoneDir: string;
  before(async () => {
    zoneDir = await mkdtemp(join(tmpdir(), 'wirelab-loops-'));
    const file = join(zoneDir, 'extra.zone');
    await writeFile(file, ZONE);
    lab = await startTestLab({ edit: (c) => (c.dns = { ...c.dns, zones: [{ name: 'st.um', file }] }) });
  });
  after(async () => {
    await lab?.dispose();
    await rm(zoneDir, { recursive: true, force: true });
  });

  async function bounceFor(messageId: string): Promise<Awaited<ReturnType<typeof parseWithPython>>> {
    const inbox = lab.dataDir.maildirOf('user1@st.um');
    const bounce = await eventually(`the DSN about ${messageId}`, async () =>
      (await maildirMessages(inbox)).find((m) => m.bytes.includes(`Message-ID: <${messageId}>`) && /Undelivered Mail/.test(m.bytes.toString())),
    );
    return parseWithPython(bounce.bytes);
  }

  it('an MX pointing back at this host ("loops back to myself"), a null MX (RFC 7505) and a name that does not exist are bounced at once', async () => {
    const submission = lab.endpoint('submission');
    await submit({
      port: submission.port,
      login: { user: 'user1@st.um', password: 'password' },
      from: 'user1@st.um',
      to: ['someone@loop.st.um', 'someone@nomail.st.um', 'someone@nowhere.st.um'],
      message: 'Subject: nowhere to go\nMessage-ID: <loops-1@st.um>\n\n.\n',
    });
    const report = await bounceFor('loops-1@st.um');
    const byRecipient = new Map(report.statusBlocks.slice(1).map((b) => [b['final-recipient'], b]));
    assert.equal(byRecipient.get('rfc822; someone@loop.st.um')?.status, '5.4.6');
    assert.equal(byRecipient.get('rfc822; someone@nomail.st.um')?.status, '5.1.10');
    assert.equal(byRecipient.get('rfc822; someone@nowhere.st.um')?.status, '5.4.4');
    assert.match(unfold(report.text), /<someone@loop\.st\.um>: mail for loop\.st\.um loops back to myself/);
    assert.match(unfold(report.text), /<someone@nomail\.st\.um>: domain nomail\.st\.um does not accept mail \(null MX/);
    assert.match(unfold(report.text), /<someone@nowhere\.st\.um>: Host or domain name not found\. Name service error for name=nowhere\.st\.um type=MX: Host not found/);
  });

  it('a message that has passed more than 50 mail servers (Received headers) is bounced as a loop, not sent on', async () => {
    const submission = lab.endpoint('submission');
    const trace = Array.from({ length: 50 }, (_, i) => `Received: from hop${i}.example by hop${i + 1}.example; Mon, 1 Jan 2024 00:00:00 +0000`).join('\n');
    await submit({
      port: submission.port,
      login: { user: 'user1@st.um', password: 'password' },
      from: 'user1@st.um',
      to: ['user3@um.es'],
      message: `${trace}\nSubject: round and round\nMessage-ID: <loops-2@st.um>\n\nagain\n`,
    });
    const report = await bounceFor('loops-2@st.um');
    assert.equal(report.statusBlocks[1]?.status, '5.4.6');
    assert.match(unfold(report.text), /mail forwarding loop: the message has passed 51 mail servers \(limit 50\)/);
    const user3 = await maildirMessages(lab.dataDir.maildirOf('user3@um.es'));
    assert.ok(!user3.some((m) => m.bytes.includes('loops-2@st.um')), 'the looping message was sent on');
  });
});

/** The notice's text with its line folding undone. */
function unfold(text: string): string {
  return text.replace(/\s+/g, ' ');
}
