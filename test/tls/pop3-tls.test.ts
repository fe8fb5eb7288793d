import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findDefinition } from '../../src/lab/services.js';
import { hasCommand, run } from '../helpers/run.js';
import { TlsLineClient } from './line-client.js';
import { dataBeforeTls, startTlsLab, tlsEvents, type TlsLab } from './mail-lab.js';

const STATUS = (line: string): boolean => /^[+-](OK|ERR)/.test(line);
const MULTILINE_END = (line: string): boolean => line === '.' || line.startsWith('-ERR');
const pop3Ready = ['pop3', 'pop3s'].every((kind) => findDefinition(kind) !== undefined);

describe('POP3 over TLS: STLS on 110, POP3S on 995, with the lab CA', { skip: pop3Ready ? false : 'POP3 services not registered yet' }, () => {
  let tls: TlsLab;
  before(async () => {
    tls = await startTlsLab(['pop3', 'pop3s']);
  });
  after(() => tls.lab.dispose());

  it('openssl s_client -starttls pop3 and POP3S verify the chain and pop3.st.um; CAPA inside TLS drops STLS', async (t) => {
    if (!hasCommand('openssl')) return t.skip('openssl not installed');
    for (const [service, starttls] of [['pop3', true], ['pop3s', false]] as const) {
      const args = ['s_client', '-connect', `127.0.0.1:${tls.port(service)}`, ...(starttls ? ['-starttls', 'pop3'] : []),
        '-verify_return_error', '-CAfile', tls.caFile, '-servername', 'pop3.st.um', '-verify_hostname', 'pop3.st.um', '-crlf', '-ign_eof'];
      const result = await run('openssl', args, { input: 'CAPA\nQUIT\n', timeoutMs: 20_000 });
      assert.equal(result.code, 0, `${service}: ${result.stderr}`);
      assert.match(result.stdout, /Verify return code: 0 \(ok\)/, service);
      const inside = result.stdout.slice(result.stdout.lastIndexOf('+OK'));
      const capa = result.stdout.slice(result.stdout.indexOf('---\n'));
      assert.match(capa, /^USER\r?$/m, service);
      assert.doesNotMatch(capa, /^STLS\r?$/m, `${service}: STLS offered inside TLS`);
      assert.match(inside, /^\+OK/, service);
    }
    const events = tlsEvents(tls.lab, 'pop3s');
    assert.ok(events.some((e) => e.servername === 'pop3.st.um' && e.protocol === 'TLSv1.3'), 'the tap recorded the POP3S handshake');
    assert.deepEqual(dataBeforeTls(tls.lab, 'pop3s'), [], 'POP3S lines recorded before the handshake would show as clear text to the eavesdropper');
  });

  it('TLS 1.0 and 1.1 are refused on POP3S and after STLS', async (t) => {
    if (!hasCommand('openssl')) return t.skip('openssl not installed');
    for (const [service, starttls] of [['pop3s', false], ['pop3', true]] as const) {
      for (const version of ['-tls1', '-tls1_1']) {
        const result = await run('openssl', ['s_client', '-connect', `127.0.0.1:${tls.port(service)}`, ...(starttls ? ['-starttls', 'pop3'] : []), version, '-cipher', 'DEFAULT@SECLEVEL=0'], { timeoutMs: 20_000 });
        assert.notEqual(result.code, 0, `${service} ${version} was accepted`);
        assert.match(result.stderr, /protocol version|unsupported protocol|wrong version/i, `${service} ${version}`);
      }
    }
  });

  it('curl reads over pop3s:// and over pop3:// with --ssl-reqd, checking the name pop3.st.um against the lab CA', async (t) => {
    if (!hasCommand('curl')) return t.skip('curl not installed');
    for (const [scheme, service] of [['pop3s', 'pop3s'], ['pop3', 'pop3']] as const) {
      const port = tls.port(service);
      const res = await run('curl', ['-sS', '--resolve', `pop3.st.um:${port}:127.0.0.1`, '--cacert', tls.caFile, ...(scheme === 'pop3' ? ['--ssl-reqd'] : []),
        `${scheme}://pop3.st.um:${port}/`, '-u', 'user1@st.um:password'], { timeoutMs: 30_000 });
      assert.equal(res.code, 0, `${scheme}: ${res.stderr}`);
    }
  });

  it('Python poplib with a verifying SSL context: POP3_SSL and stls()', async (t) => {
    if (!hasCommand('python3')) return t.skip('python3 not installed');
    const script = `
import poplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[2]), context=ctx, timeout=20)
p.user('user1@st.um'); p.pass_('password')
print('POP3_SSL', p.stat(), p.sock.version())
p.quit()
p = poplib.POP3('127.0.0.1', int(sys.argv[3]), timeout=20)
assert 'STLS' in p.capa()
p.stls(context=ctx)
assert 'STLS' not in p.capa(), 'STLS offered again inside TLS'
p.user('user1'); p.pass_('password')
print('STLS', p.stat(), p.sock.version())
p.quit()
`;
    const res = await run('python3', ['-c', script, tls.caFile, String(tls.port('pop3s')), String(tls.port('pop3'))], { timeoutMs: 30_000 });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /POP3_SSL \(\d+, \d+\) TLSv1\.3/);
    assert.match(res.stdout, /STLS \(\d+, \d+\) TLSv1\.3/);
  });

  it('a command pipelined after STLS in the same packet is discarded, not run inside TLS', async () => {
    const client = await TlsLineClient.connect(tls.port('pop3'));
    try {
      await client.until(STATUS);
      client.write('STLS\r\nUSER user1@st.um\r\n');
      assert.match((await client.until(STATUS)).at(-1)!, /^\+OK/);
      assert.deepEqual(await client.unsolicited(300), [], 'nothing more in clear after +OK');
      await client.startTls(tls.ca, 'pop3.st.um');
      assert.deepEqual(await client.unsolicited(500), [], 'the injected USER was answered inside TLS');
      client.write('PASS password\r\n');
      assert.match((await client.until(STATUS)).at(-1)!, /^-ERR/, 'PASS without a USER given inside TLS must fail');
      client.write('CAPA\r\n');
      const capa = await client.until(MULTILINE_END);
      assert.ok(!capa.includes('STLS'), capa.join('\n'));
    } finally {
      client.close();
    }
  });
});

describe('POP3 with allowPlaintextAuth off', { skip: pop3Ready ? false : 'POP3 services not registered yet' }, () => {
  let tls: TlsLab;
  before(async () => {
    tls = await startTlsLab(['pop3'], (config) => {
      config.mail = { ...config.mail, allowPlaintextAuth: false };
    });
  });
  after(() => tls.lab.dispose());

  it('refuses USER/PASS and AUTH in clear and does not advertise them; after STLS they work', async () => {
    const client = await TlsLineClient.connect(tls.port('pop3'));
    try {
      await client.until(STATUS);
      client.write('CAPA\r\n');
      const clear = await client.until(MULTILINE_END);
      assert.ok(clear.includes('STLS'), clear.join('\n'));
      assert.ok(!clear.includes('USER') && !clear.some((l) => l.startsWith('SASL')), `logins advertised in clear: ${clear.join('\n')}`);
      client.write('USER user1@st.um\r\n');
      assert.match((await client.until(STATUS)).at(-1)!, /^-ERR/);
      client.write(`AUTH PLAIN ${Buffer.from('\0user1@st.um\0password').toString('base64')}\r\n`);
      assert.match((await client.until(STATUS)).at(-1)!, /^-ERR/);
      client.write('STLS\r\n');
      await client.until(STATUS);
      await client.startTls(tls.ca, 'pop3.st.um');
      client.write('CAPA\r\n');
      assert.ok((await client.until(MULTILINE_END)).includes('USER'));
      client.write('USER user1@st.um\r\n');
      assert.match((await client.until(STATUS)).at(-1)!, /^\+OK/);
      client.write('PASS password\r\n');
      assert.match((await client.until(STATUS)).at(-1)!, /^\+OK/);
    } finally {
      client.close();
    }
  });
});
