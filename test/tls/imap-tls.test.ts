import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findDefinition } from '../../src/lab/services.js';
import { hasCommand, run } from '../helpers/run.js';
import { TlsLineClient } from './line-client.js';
import { dataBeforeTls, startTlsLab, tlsEvents, type TlsLab } from './mail-lab.js';

const tagged = (tag: string) => (line: string): boolean => line.startsWith(`${tag} `);
const imapReady = ['imap', 'imaps'].every((kind) => findDefinition(kind) !== undefined);

describe('IMAP over TLS: STARTTLS on 143, IMAPS on 993, with the lab CA', { skip: imapReady ? false : 'IMAP services not registered yet' }, () => {
  let tls: TlsLab;
  before(async () => {
    tls = await startTlsLab(['imap', 'imaps']);
  });
  after(() => tls.lab.dispose());

  it('openssl s_client -starttls imap and IMAPS verify the chain and imap.st.um; CAPABILITY inside TLS drops STARTTLS', async (t) => {
    if (!hasCommand('openssl')) return t.skip('openssl not installed');
    for (const [service, starttls] of [['imap', true], ['imaps', false]] as const) {
      const args = ['s_client', '-connect', `127.0.0.1:${tls.port(service)}`, ...(starttls ? ['-starttls', 'imap'] : []),
        '-verify_return_error', '-CAfile', tls.caFile, '-servername', 'imap.st.um', '-verify_hostname', 'imap.st.um', '-crlf', '-ign_eof'];
      const result = await run('openssl', args, { input: 'a CAPABILITY\nb LOGOUT\n', timeoutMs: 20_000 });
      assert.equal(result.code, 0, `${service}: ${result.stderr}`);
      assert.match(result.stdout, /Verify return code: 0 \(ok\)/, service);
      const capability = /^\* CAPABILITY .*$/m.exec(result.stdout.slice(result.stdout.indexOf('---\n')))?.[0] ?? '';
      assert.match(capability, /IMAP4rev1/, service);
      assert.match(capability, /AUTH=PLAIN/, service);
      assert.doesNotMatch(capability, /STARTTLS|LOGINDISABLED/, `${service}: ${capability}`);
      assert.match(result.stdout, /^b OK/m, service);
    }
    assert.ok(tlsEvents(tls.lab, 'imaps').some((e) => e.servername === 'imap.st.um' && e.protocol === 'TLSv1.3'), 'the tap recorded the IMAPS handshake');
    assert.deepEqual(dataBeforeTls(tls.lab, 'imaps'), [], 'IMAPS lines recorded before the handshake would show as clear text to the eavesdropper');
  });

  it('TLS 1.0 and 1.1 are refused on IMAPS and after STARTTLS', async (t) => {
    if (!hasCommand('openssl')) return t.skip('openssl not installed');
    for (const [service, starttls] of [['imaps', false], ['imap', true]] as const) {
      for (const version of ['-tls1', '-tls1_1']) {
        const result = await run('openssl', ['s_client', '-connect', `127.0.0.1:${tls.port(service)}`, ...(starttls ? ['-starttls', 'imap'] : []), version, '-cipher', 'DEFAULT@SECLEVEL=0'], { timeoutMs: 20_000 });
        assert.notEqual(result.code, 0, `${service} ${version} was accepted`);
        assert.match(result.stderr, /protocol version|unsupported protocol|wrong version/i, `${service} ${version}`);
      }
    }
  });

  it('curl reads over imaps:// and over imap:// with --ssl-reqd, checking the name imap.st.um against the lab CA', async (t) => {
    if (!hasCommand('curl')) return t.skip('curl not installed');
    for (const [scheme, service] of [['imaps', 'imaps'], ['imap', 'imap']] as const) {
      const port = tls.port(service);
      const res = await run('curl', ['-sS', '--resolve', `imap.st.um:${port}:127.0.0.1`, '--cacert', tls.caFile, ...(scheme === 'imap' ? ['--ssl-reqd'] : []),
        `${scheme}://imap.st.um:${port}/`, '-u', 'user1@st.um:password'], { timeoutMs: 30_000 });
      assert.equal(res.code, 0, `${scheme}: ${res.stderr}`);
      assert.match(res.stdout, /INBOX/, scheme);
    }
  });

  it('Python imaplib with a verifying SSL context: IMAP4_SSL and starttls()', async (t) => {
    if (!hasCommand('python3')) return t.skip('python3 not installed');
    const script = `
import imaplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[2]), ssl_context=ctx, timeout=20)
m.login('user1@st.um', 'password')
print('IMAP4_SSL', m.select('INBOX')[0], m.sock.version())
m.logout()
m = imaplib.IMAP4('127.0.0.1', int(sys.argv[3]), timeout=20)
assert 'STARTTLS' in m.capabilities
m.starttls(ssl_context=ctx)
assert 'STARTTLS' not in m.capabilities, 'STARTTLS offered again inside TLS'
m.login('user1', 'password')
print('STARTTLS', m.select('INBOX')[0], m.sock.version())
m.logout()
`;
    const res = await run('python3', ['-c', script, tls.caFile, String(tls.port('imaps')), String(tls.port('imap'))], { timeoutMs: 30_000 });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /IMAP4_SSL OK TLSv1\.3/);
    assert.match(res.stdout, /STARTTLS OK TLSv1\.3/);
  });

  it('a command pipelined after STARTTLS in the same packet is discarded, not run inside TLS', async () => {
    const client = await TlsLineClient.connect(tls.port('imap'));
    try {
      await client.line();
      client.write('a STARTTLS\r\nb LOGIN user1@st.um password\r\n');
      assert.match((await client.until(tagged('a'))).at(-1)!, /^a OK/);
      assert.deepEqual(await client.unsolicited(300), [], 'nothing more in clear after the tagged OK');
      await client.startTls(tls.ca, 'imap.st.um');
      assert.deepEqual(await client.unsolicited(500), [], 'the injected LOGIN was answered inside TLS');
      client.write('c SELECT INBOX\r\n');
      assert.match((await client.until(tagged('c'))).at(-1)!, /^c (BAD|NO)/, 'still not authenticated: the injected LOGIN did not run');
    } finally {
      client.close();
    }
  });
});

describe('IMAP with allowPlaintextAuth off', { skip: imapReady ? false : 'IMAP services not registered yet' }, () => {
  let tls: TlsLab;
  before(async () => {
    tls = await startTlsLab(['imap'], (config) => {
      config.mail = { ...config.mail, allowPlaintextAuth: false };
    });
  });
  after(() => tls.lab.dispose());

  it('advertises LOGINDISABLED and refuses LOGIN and AUTHENTICATE in clear; after STARTTLS both work', async () => {
    const client = await TlsLineClient.connect(tls.port('imap'));
    try {
      await client.line();
      client.write('a CAPABILITY\r\n');
      const clear = (await client.until(tagged('a'))).join('\n');
      assert.match(clear, /LOGINDISABLED/);
      assert.match(clear, /STARTTLS/);
      assert.doesNotMatch(clear, /AUTH=PLAIN/);
      client.write('b LOGIN user1@st.um password\r\n');
      assert.match((await client.until(tagged('b'))).at(-1)!, /^b NO/);
      client.write(`c AUTHENTICATE PLAIN ${Buffer.from('\0user1@st.um\0password').toString('base64')}\r\n`);
      assert.match((await client.until(tagged('c'))).at(-1)!, /^c (NO|BAD)/);
      client.write('d STARTTLS\r\n');
      await client.until(tagged('d'));
      await client.startTls(tls.ca, 'imap.st.um');
      client.write('e CAPABILITY\r\n');
      const secure = (await client.until(tagged('e'))).join('\n');
      assert.match(secure, /AUTH=PLAIN/);
      assert.doesNotMatch(secure, /LOGINDISABLED|STARTTLS/);
      client.write('f LOGIN user1@st.um password\r\n');
      assert.match((await client.until(tagged('f'))).at(-1)!, /^f OK/);
    } finally {
      client.close();
    }
  });
});
