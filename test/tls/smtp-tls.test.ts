import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findDefinition } from '../../src/lab/services.js';
import { waitForMessages } from '../helpers/maildir.js';
import { hasCommand, run } from '../helpers/run.js';
import { authPlain } from '../helpers/smtp-client.js';
import { TlsLineClient } from './line-client.js';
import { dataBeforeTls, startTlsLab, tlsEvents, type TlsLab } from './mail-lab.js';

const SMTP_FINAL = (line: string): boolean => /^\d{3} /.test(line);
const smtpReady = ['smtp', 'submission', 'smtps'].every((kind) => findDefinition(kind) !== undefined);

describe('SMTP over TLS: STARTTLS on 25 and 587, SMTPS on 465, with the lab CA', { skip: smtpReady ? false : 'SMTP services not registered yet' }, () => {
  let tls: TlsLab;
  before(async () => {
    tls = await startTlsLab(['smtp', 'submission', 'smtps']);
  });
  after(() => tls.lab.dispose());

  it('openssl s_client -starttls smtp verifies the chain and mail.st.um on 25 and 587; SMTPS on 465 too', async (t) => {
    if (!hasCommand('openssl')) return t.skip('openssl not installed');
    for (const [service, starttls] of [['smtp', true], ['submission', true], ['smtps', false]] as const) {
      const args = ['s_client', '-connect', `127.0.0.1:${tls.port(service)}`, ...(starttls ? ['-starttls', 'smtp'] : []),
        '-verify_return_error', '-CAfile', tls.caFile, '-servername', 'mail.st.um', '-verify_hostname', 'mail.st.um', '-crlf', '-ign_eof'];
      const result = await run('openssl', args, { input: 'EHLO client.example\nQUIT\n', timeoutMs: 20_000 });
      assert.equal(result.code, 0, `${service}: ${result.stderr}`);
      assert.match(result.stdout, /Verify return code: 0 \(ok\)/, service);
      assert.match(result.stdout, /New, TLSv1\.3/, service);
      // Inside the tunnel: a fresh EHLO answer that no longer offers STARTTLS, and offers AUTH on the submission ports.
      const ehlo = result.stdout.slice(result.stdout.lastIndexOf('250-'));
      assert.doesNotMatch(result.stdout.slice(result.stdout.indexOf('---\n')), /250-STARTTLS/, service);
      if (service !== 'smtp') assert.match(result.stdout, /250-AUTH PLAIN LOGIN/, service);
      assert.match(ehlo + result.stdout, /221 /, service);
    }
    assert.deepEqual(dataBeforeTls(tls.lab, 'smtps'), [], 'SMTPS lines recorded before the handshake would show as clear text to the eavesdropper');
  });

  it('TLS 1.0 and 1.1 are refused on SMTPS and after STARTTLS on submission', async (t) => {
    if (!hasCommand('openssl')) return t.skip('openssl not installed');
    for (const [service, starttls] of [['smtps', false], ['submission', true]] as const) {
      for (const version of ['-tls1', '-tls1_1']) {
        const result = await run('openssl', ['s_client', '-connect', `127.0.0.1:${tls.port(service)}`, ...(starttls ? ['-starttls', 'smtp'] : []), version, '-cipher', 'DEFAULT@SECLEVEL=0'], { timeoutMs: 20_000 });
        assert.notEqual(result.code, 0, `${service} ${version} was accepted`);
        assert.match(result.stderr, /protocol version|unsupported protocol|wrong version/i, `${service} ${version}`);
      }
    }
  });

  it('swaks --tls logs in with AUTH PLAIN and LOGIN on submission, verifying the certificate; --tls-on-connect on SMTPS', async (t) => {
    if (!hasCommand('swaks')) return t.skip('swaks not installed');
    const inbox = tls.lab.dataDir.maildirOf('user2@st.um');
    const before = (await waitForMessages(inbox, 0)).length;
    const runs: [string, string[]][] = [
      ['PLAIN', ['--tls', '--server', `127.0.0.1:${tls.port('submission')}`]],
      ['LOGIN', ['--tls', '--server', `127.0.0.1:${tls.port('submission')}`]],
      ['PLAIN', ['--tls-on-connect', '--server', `127.0.0.1:${tls.port('smtps')}`]],
    ];
    for (const [mechanism, how] of runs) {
      const res = await run('swaks', [...how, '--tls-verify', '--tls-ca-path', tls.caFile, '--to', 'user2@st.um', '--from', 'user1@st.um',
        '--auth', mechanism, '--auth-user', 'user1@st.um', '--auth-password', 'password', '--header', `Subject: swaks tls ${mechanism}`], { timeoutMs: 30_000 });
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assert.match(res.stdout, /TLS started with cipher TLSv1\.3:/);
      assert.match(res.stdout, /~> AUTH /, 'AUTH travels inside TLS');
      assert.match(res.stdout, /<~ +235 2\.7\.0/);
    }
    const messages = await waitForMessages(inbox, before + runs.length);
    assert.equal(messages.length, before + runs.length);
  });

  it('curl sends over smtps:// and over smtp:// with --ssl-reqd, checking the name mail.st.um against the lab CA', async (t) => {
    if (!hasCommand('curl')) return t.skip('curl not installed');
    for (const [scheme, service] of [['smtps', 'smtps'], ['smtp', 'submission']] as const) {
      const port = tls.port(service);
      const res = await run('curl', ['-sS', '--resolve', `mail.st.um:${port}:127.0.0.1`, '--cacert', tls.caFile, ...(scheme === 'smtp' ? ['--ssl-reqd'] : []),
        `${scheme}://mail.st.um:${port}/client.example`, '--mail-from', 'user1@st.um', '--mail-rcpt', 'user2@st.um', '-u', 'user1@st.um:password', '-T', '-'],
        { input: `Subject: curl ${scheme}\r\n\r\nhello\r\n`, timeoutMs: 30_000 });
      assert.equal(res.code, 0, `${scheme}: ${res.stderr}`);
    }
    const wrongName = await run('curl', ['-sS', '--resolve', `www.example.org:${tls.port('smtps')}:127.0.0.1`, '--cacert', tls.caFile,
      `smtps://www.example.org:${tls.port('smtps')}/`, '--mail-from', 'user1@st.um', '--mail-rcpt', 'user2@st.um', '-T', '-'], { input: 'x\r\n', timeoutMs: 30_000 });
    assert.equal(wrongName.code, 60, `a name the certificate lacks must fail verification: ${wrongName.stderr}`);
  });

  it('Python smtplib with a verifying SSL context: SMTP_SSL and starttls()', async (t) => {
    if (!hasCommand('python3')) return t.skip('python3 not installed');
    const script = `
import smtplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
with smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[2]), context=ctx, timeout=20) as s:
    s.login('user1@st.um', 'password')
    s.sendmail('user1@st.um', ['user2@st.um'], b'Subject: smtplib SMTP_SSL\\r\\n\\r\\nhi\\r\\n')
    print('SMTP_SSL', s.sock.version())
with smtplib.SMTP('127.0.0.1', int(sys.argv[3]), timeout=20) as s:
    s.ehlo()
    assert s.has_extn('starttls')
    s.starttls(context=ctx)
    s.ehlo()
    assert not s.has_extn('starttls'), 'STARTTLS offered again inside TLS'
    s.login('user1', 'password')
    s.sendmail('user1@st.um', ['user2@st.um'], b'Subject: smtplib starttls\\r\\n\\r\\nhi\\r\\n')
    print('STARTTLS', s.sock.version())
`;
    const res = await run('python3', ['-c', script, tls.caFile, String(tls.port('smtps')), String(tls.port('submission'))], { timeoutMs: 30_000 });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /SMTP_SSL TLSv1\.3/);
    assert.match(res.stdout, /STARTTLS TLSv1\.3/);
  });

  it('a command pipelined after STARTTLS in the same packet is discarded, not run inside TLS (CVE-2011-0411)', async () => {
    const client = await TlsLineClient.connect(tls.port('smtp'));
    try {
      await client.until(SMTP_FINAL);
      client.write('EHLO client.example\r\n');
      await client.until(SMTP_FINAL);
      client.write('STARTTLS\r\nEHLO injected.example\r\n');
      assert.match((await client.until(SMTP_FINAL)).at(-1)!, /^220 /);
      assert.deepEqual(await client.unsolicited(300), [], 'nothing more in clear after 220');
      await client.startTls(tls.ca, 'mail.st.um');
      assert.deepEqual(await client.unsolicited(500), [], 'the injected EHLO was answered inside TLS');
      client.write('NOOP\r\n');
      assert.match((await client.until(SMTP_FINAL)).at(-1)!, /^250 /);
      client.write('MAIL FROM:<user1@st.um>\r\n');
      assert.match((await client.until(SMTP_FINAL)).at(-1)!, /^503 /, 'the session forgot the EHLO given before TLS (RFC 3207 §4.2)');
    } finally {
      client.close();
    }
    const conversation = tls.lab.transcripts.list().find((c) => c.events.some((e) => e.type === 'data' && e.bytes.toString().includes('STARTTLS')));
    const client_lines = conversation!.events.filter((e) => e.type === 'data' && e.from === 'client').map((e) => (e.type === 'data' ? e.bytes.toString() : ''));
    assert.ok(!client_lines.some((l) => l.includes('injected')), 'the discarded bytes never reached the protocol');
  });

  it('the tap records the handshake (version, cipher, SNI, certificate names) and the protocol lines from inside the tunnel', async () => {
    const client = await TlsLineClient.connect(tls.port('submission'));
    try {
      await client.until(SMTP_FINAL);
      client.write('EHLO tap.example\r\n');
      await client.until(SMTP_FINAL);
      client.write('STARTTLS\r\n');
      await client.until(SMTP_FINAL);
      await client.startTls(tls.ca, 'smtp.st.um');
      client.write('EHLO inside.example\r\n');
      assert.ok((await client.until(SMTP_FINAL)).some((l) => l.startsWith('250-AUTH')));
      client.write(`AUTH PLAIN ${authPlain('user1@st.um', 'password')}\r\n`);
      assert.match((await client.until(SMTP_FINAL)).at(-1)!, /^235 /);
      client.write('QUIT\r\n');
      await client.until(SMTP_FINAL);
    } finally {
      client.close();
    }
    const conversation = tls.lab.transcripts.list().find((c) => c.events.some((e) => e.type === 'data' && e.bytes.toString().includes('EHLO tap.example')))!;
    const kinds = conversation.events.map((e) => (e.type === 'data' ? `${e.from}:${e.bytes.toString().split('\r\n')[0]}` : e.type));
    const tlsAt = kinds.indexOf('tls');
    assert.ok(tlsAt > kinds.indexOf('client:STARTTLS') && tlsAt < kinds.indexOf('client:EHLO inside.example'), kinds.join(' | '));
    const event = tlsEvents(tls.lab, 'submission').find((e) => e.conn === conversation.open.conn)!;
    assert.equal(event.protocol, 'TLSv1.3');
    assert.match(event.cipher, /^TLS_AES_(128|256)_GCM_SHA(256|384)$/);
    assert.equal(event.servername, 'smtp.st.um');
    assert.match(event.certificate ?? '', /DNS:smtp\.st\.um/);
    const auth = conversation.events.find((e) => e.type === 'data' && e.bytes.toString().startsWith('AUTH PLAIN'));
    assert.equal(auth?.type === 'data' ? auth.redacted : undefined, 'AUTH PLAIN ***', 'the password is redacted in the transcript');
  });
});

describe('SMTP submission with allowPlaintextAuth off', { skip: smtpReady ? false : 'SMTP services not registered yet' }, () => {
  let tls: TlsLab;
  before(async () => {
    tls = await startTlsLab(['submission'], (config) => {
      config.mail = { ...config.mail, allowPlaintextAuth: false };
    });
  });
  after(() => tls.lab.dispose());

  it('refuses AUTH before STARTTLS and does not advertise it; after STARTTLS it is offered and works', async () => {
    const client = await TlsLineClient.connect(tls.port('submission'));
    try {
      await client.until(SMTP_FINAL);
      client.write('EHLO client.example\r\n');
      const clear = await client.until(SMTP_FINAL);
      assert.ok(clear.some((l) => l.startsWith('250-STARTTLS')), clear.join('\n'));
      assert.ok(!clear.some((l) => /^250[- ]AUTH/.test(l)), `AUTH advertised in clear: ${clear.join('\n')}`);
      client.write(`AUTH PLAIN ${authPlain('user1@st.um', 'password')}\r\n`);
      assert.match((await client.until(SMTP_FINAL)).at(-1)!, /^530 5\.7\.0 /);
      client.write('MAIL FROM:<user1@st.um>\r\n');
      assert.match((await client.until(SMTP_FINAL)).at(-1)!, /^530 /, 'submission takes no mail without login');
      client.write('STARTTLS\r\n');
      await client.until(SMTP_FINAL);
      await client.startTls(tls.ca, 'mail.st.um');
      client.write('EHLO client.example\r\n');
      assert.ok((await client.until(SMTP_FINAL)).some((l) => /^250[- ]AUTH PLAIN LOGIN/.test(l)));
      client.write(`AUTH PLAIN ${authPlain('user1@st.um', 'password')}\r\n`);
      assert.match((await client.until(SMTP_FINAL)).at(-1)!, /^235 /);
    } finally {
      client.close();
    }
  });

  it('swaks without --tls cannot log in; with --tls it can', async (t) => {
    if (!hasCommand('swaks')) return t.skip('swaks not installed');
    const common = ['--server', `127.0.0.1:${tls.port('submission')}`, '--to', 'user2@st.um', '--from', 'user1@st.um', '--auth', 'PLAIN', '--auth-user', 'user1@st.um', '--auth-password', 'password'];
    const clear = await run('swaks', common, { timeoutMs: 30_000 });
    assert.notEqual(clear.code, 0);
    assert.doesNotMatch(clear.stdout, /235 /);
    const secured = await run('swaks', [...common, '--tls', '--tls-verify', '--tls-ca-path', tls.caFile], { timeoutMs: 30_000 });
    assert.equal(secured.code, 0, secured.stdout + secured.stderr);
  });
});
