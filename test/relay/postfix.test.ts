import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { maildirMessages } from '../helpers/maildir.js';
import { hasCommand, run } from '../helpers/run.js';
import { eventually, headerFields, submit } from './helpers.js';
import { postfixUnavailable, startPostfix, type PostfixInstance } from '../helpers/postfix.js';

/** Postfix's own host in the lab's network, outside the lab: found through an MX record the lab serves. */
const POSTFIX_ADDRESS = '127.0.0.25';

const ZONE = `$ORIGIN pf.test.
$TTL 3600
@     IN SOA ns1.st.um. root.pf.test. 1 3600 600 86400 3600
@     IN NS  ns1.st.um.
@     IN MX  10 mail.pf.test.
mail  IN A   ${POSTFIX_ADDRESS}
`;

describe('interop with Postfix as the remote domain pf.test (on its own address, port 25)', async () => {
  const unavailable = (await postfixUnavailable(POSTFIX_ADDRESS, 25)) ?? (hasCommand('openssl') ? undefined : 'openssl not installed');
  let dir: string;
  let lab: TestLab;
  let postfix: PostfixInstance;

  before(async () => {
    if (unavailable) return;
    dir = await mkdtemp(join(tmpdir(), 'wirelab-postfix-'));
    const zoneFile = join(dir, 'pf.test.zone');
    await writeFile(zoneFile, ZONE);
    lab = await startTestLab({ edit: (c) => (c.dns = { ...c.dns, zones: [{ name: 'pf.test', file: zoneFile }] }) });
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const made = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=mail.pf.test']);
    assert.equal(made.code, 0, made.stderr);
    const smtp = lab.endpoint('smtp');
    postfix = await startPostfix({
      listen: { address: POSTFIX_ADDRESS, port: 25 },
      domain: 'pf.test',
      // Postfix finds st.um without DNS: its transport_maps names the lab's SMTP service.
      settings: { transport_maps: `inline:{ st.um=smtp:[${smtp.address}]:${smtp.port} }` },
      tls: { cert, key },
    });
  });
  after(async () => {
    await postfix?.stop();
    await lab?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('wirelab → Postfix: user1@st.um writes to alice@pf.test; st.um finds the MX in the lab DNS and Postfix delivers it', { skip: unavailable ?? false }, async () => {
    const submission = lab.endpoint('submission');
    await submit({
      port: submission.port,
      login: { user: 'user1@st.um', password: 'password' },
      from: 'user1@st.um',
      to: ['alice@pf.test'],
      message: 'Subject: hello Postfix\nMessage-ID: <to-postfix@st.um>\n\nfrom wirelab\n',
    });
    const message = await eventually(
      'the message in Postfix\'s Maildir',
      async () => (await maildirMessages(postfix.maildir)).find((m) => m.bytes.includes('to-postfix@st.um')),
      20_000,
    ).catch(async (err: Error) => assert.fail(`${err.message}\n${await postfix.log()}`));
    // Postfix's virtual(8) writes LF line ends; ESMTPS says the hop was inside TLS (STARTTLS).
    const received = headerFields(message.bytes.toString('utf8').replace(/\r?\n/g, '\r\n')).filter((f) => f.name === 'received').map((f) => f.value);
    assert.match(received[0]!, /^from st\.um \(unknown \[127\.0\.0\.1\]\) by mail\.pf\.test \(Postfix\) with ESMTPS id \w+ for <alice@pf\.test>/);
    assert.match(received[1]!, /by st\.um \(wirelab\) with ESMTPA/);
    assert.match(await postfix.log(), /to=<alice@pf\.test>, relay=virtual, .*status=sent/);
  });

  it('Postfix → wirelab: mail relayed by Postfix reaches user1@st.um\'s Maildir; a recipient the lab refuses bounces at Postfix', { skip: unavailable ?? false }, async () => {
    await submit({
      port: 25,
      address: POSTFIX_ADDRESS,
      from: 'alice@pf.test',
      to: ['user1@st.um', 'ghost@st.um'],
      message: 'Subject: hello wirelab\nMessage-ID: <from-postfix@pf.test>\n\nfrom Postfix\n',
    });
    const inbox = lab.dataDir.maildirOf('user1@st.um');
    const message = await eventually('Postfix\'s message in user1@st.um\'s INBOX', async () => (await maildirMessages(inbox)).find((m) => m.bytes.includes('from-postfix@pf.test')), 20_000).catch(
      async (err: Error) => assert.fail(`${err.message}\n${await postfix.log()}`),
    );
    const received = headerFields(message.bytes).filter((f) => f.name === 'received').map((f) => f.value);
    assert.match(received[0]!, /^from mail\.pf\.test \(unknown \[127\.0\.0\.25\]\) \(using TLSv1\.[23] with cipher \S+\) by st\.um \(wirelab\) with ESMTPS/);
    assert.match(received[1]!, /by mail\.pf\.test \(Postfix\)/);
    // Postfix tells alice about the recipient the lab refused, in a DSN of its own.
    await eventually('Postfix\'s bounce for ghost@st.um', async () => ((await postfix.log()).match(/to=<ghost@st\.um>.*status=bounced \(host 127\.0\.0\.1\[127\.0\.0\.1\] said: 550 5\.1\.1/) ? true : undefined), 20_000);
  });
});
