import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import { demoConfig } from '../../src/lab/config.js';
import { DataDir } from '../../src/lab/data-dir.js';
import { createLogger } from '../../src/lab/logger.js';
import { LabTls, prepareLabCertificates, type LabCertificates } from '../../src/pki/lab-tls.js';
import { hasCommand, run, type RunResult } from '../helpers/run.js';
import { startTlsServer } from './tls-server.js';

const quiet = createLogger('silent');

interface Fixture {
  certs: LabCertificates;
  labTls: LabTls;
  caFile: string;
  /** `openssl s_client` against the lab's TLS settings for the SMTP service of the demo (host st.um). */
  sClient(args: string[]): Promise<RunResult>;
}

async function withLabTls(t: TestContext, body: (f: Fixture) => Promise<void>, now?: () => number): Promise<void> {
  if (!hasCommand('openssl')) return t.skip('openssl not installed');
  const root = await mkdtemp(join(tmpdir(), 'wirelab-tls-'));
  const config = demoConfig();
  const certs = await prepareLabCertificates(config, new DataDir(root), quiet);
  const labTls = new LabTls(config, certs, quiet, now);
  const server = await startTlsServer(() => labTls.optionsFor('smtp')!);
  try {
    await body({
      certs,
      labTls,
      caFile: certs.paths.caCert,
      sClient: (args) => run('openssl', ['s_client', '-ign_eof', '-connect', `127.0.0.1:${server.port}`, ...args], { input: 'quit\n', timeoutMs: 15_000 }),
    });
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

test('openssl s_client verifies the chain and the host name, over TLS 1.3 by default', (t) =>
  withLabTls(t, async ({ caFile, sClient }) => {
    const result = await sClient(['-CAfile', caFile, '-verify_return_error', '-servername', 'mail.st.um', '-verify_hostname', 'mail.st.um']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Verify return code: 0 \(ok\)/);
    assert.match(result.stdout, /New, TLSv1\.3, Cipher is TLS_AES_(128|256)_GCM_SHA(256|384)/);
    assert.match(result.stdout, /hello mail\.st\.um over TLSv1\.3/);
    // The certificate served for a name on the host st.um is that host's, signed by the lab CA.
    assert.match(result.stdout, /s:C = ES, O = UMU, OU = ST, CN = st\.um/);
    assert.match(result.stdout, /i:C = ES, O = UMU, OU = ST, CN = st\.um lab CA/);
  }));

test('SNI picks the certificate of the host named; an unknown name gets the service host\'s, which fails a check for that name', (t) =>
  withLabTls(t, async ({ caFile, sClient }) => {
    const secondary = await sClient(['-CAfile', caFile, '-verify_return_error', '-servername', 'mail2.st.um', '-verify_hostname', 'mail2.st.um']);
    assert.equal(secondary.code, 0, secondary.stderr);
    assert.match(secondary.stdout, /s:C = ES, O = UMU, OU = ST, CN = ns2\.st\.um/);
    const relay = await sClient(['-CAfile', caFile, '-verify_return_error', '-servername', 'MAIL.UM.ES', '-verify_hostname', 'mail.um.es']);
    assert.equal(relay.code, 0, relay.stderr);
    assert.match(relay.stdout, /CN = um\.es/);
    const unknown = await sClient(['-CAfile', caFile, '-verify_return_error', '-servername', 'www.example.org', '-verify_hostname', 'www.example.org']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stdout + unknown.stderr, /hostname mismatch/);
    assert.match(unknown.stdout, /s:C = ES, O = UMU, OU = ST, CN = st\.um/);
  }));

test('a client that sends no name (connecting by address) gets the service host\'s certificate, valid for 127.0.0.1', (t) =>
  withLabTls(t, async ({ caFile, sClient }) => {
    const result = await sClient(['-CAfile', caFile, '-verify_return_error', '-noservername', '-verify_ip', '127.0.0.1']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /hello \(no SNI\)/);
    const localhost = await sClient(['-CAfile', caFile, '-verify_return_error', '-servername', 'localhost', '-verify_hostname', 'localhost']);
    assert.equal(localhost.code, 0, localhost.stderr);
  }));

test('TLS 1.2 works with ECDHE and AEAD ciphers only', (t) =>
  withLabTls(t, async ({ caFile, sClient }) => {
    const modern = await sClient(['-CAfile', caFile, '-verify_return_error', '-tls1_2', '-servername', 'st.um']);
    assert.equal(modern.code, 0, modern.stderr);
    assert.match(modern.stdout, /New, TLSv1\.2, Cipher is ECDHE-ECDSA-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)/);
    for (const weak of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA384', 'AES128-GCM-SHA256', 'AES128-SHA']) {
      const refused = await sClient(['-tls1_2', '-cipher', `${weak}@SECLEVEL=0`, '-servername', 'st.um']);
      assert.notEqual(refused.code, 0, `${weak} was accepted`);
      assert.match(refused.stderr, /handshake failure|no shared cipher|no cipher/, weak);
    }
  }));

test('TLS 1.0 and 1.1 are refused (a server allowing them, with the same certificate, accepts the same client)', (t) =>
  withLabTls(t, async ({ certs, sClient }) => {
    const legacy = createTlsServer(
      { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0', key: certs.hosts.get('st.um')!.keyPem, cert: certs.hosts.get('st.um')!.certPem },
      (socket) => socket.end('legacy\n'),
    );
    await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve));
    const legacyPort = (legacy.address() as { port: number }).port;
    try {
      for (const version of ['-tls1', '-tls1_1']) {
        const args = [version, '-cipher', 'DEFAULT@SECLEVEL=0', '-servername', 'st.um'];
        const control = await run('openssl', ['s_client', '-connect', `127.0.0.1:${legacyPort}`, ...args], { timeoutMs: 15_000 });
        assert.equal(control.code, 0, `control ${version}: ${control.stderr}`);
        assert.match(control.stdout, /legacy/);
        const refused = await sClient(args);
        assert.notEqual(refused.code, 0, `${version} was accepted`);
        assert.match(refused.stderr, /protocol version|unsupported protocol|wrong version/i);
      }
    } finally {
      await new Promise<void>((resolve) => legacy.close(() => resolve()));
    }
  }));

test('a certificate that falls due is reissued on the next handshake and served from then on', async (t) => {
  let clock = Date.now();
  await withLabTls(
    t,
    async ({ certs, labTls, caFile, sClient }) => {
      const before = certs.hosts.get('st.um')!;
      clock = before.renewAt + 1000;
      const first = labTls.optionsFor('smtp');
      assert.equal(first?.cert, before.certPem, 'the current certificate serves until its successor is ready');
      let renewed: string | undefined;
      for (let i = 0; i < 100 && renewed === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const cert = labTls.optionsFor('smtp')?.cert;
        if (cert !== before.certPem) renewed = String(cert);
      }
      assert.ok(renewed, 'no renewed certificate within 5 s');
      const serial = new X509Certificate(renewed).serialNumber;
      assert.notEqual(serial, before.certificate.serialNumber);
      assert.equal(await readFile(certs.paths.hostCert('st.um'), 'utf8'), renewed);
      const served = await sClient(['-CAfile', caFile, '-verify_return_error', '-servername', 'mail.st.um', '-showcerts']);
      assert.equal(served.code, 0, served.stderr);
      const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(served.stdout)?.[0];
      assert.equal(new X509Certificate(pem!).serialNumber, serial);
    },
    () => clock,
  );
});
