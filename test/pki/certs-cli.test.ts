import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { hasCommand, run, type RunResult } from '../helpers/run.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A scratch directory holding a lab data directory (`data/`) and the files the test makes with openssl. */
async function withScratch(body: (dir: string, wirelab: (...args: string[]) => Promise<RunResult>) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-certs-'));
  const wirelab = (...args: string[]): Promise<RunResult> => run(process.execPath, [MAIN, ...args, '--data', join(dir, 'data')], { timeoutMs: 60_000 });
  try {
    await body(dir, wirelab);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function openssl(...args: string[]): Promise<RunResult> {
  const result = await run('openssl', args, { timeoutMs: 30_000 });
  assert.equal(result.code, 0, `openssl ${args.join(' ')}: ${result.stderr}`);
  return result;
}

test('a CSR made by openssl req is signed by `wirelab certs sign` into a certificate openssl accepts', async (t) => {
  if (!hasCommand('openssl')) return t.skip('openssl not installed');
  await withScratch(async (dir, wirelab) => {
    const exported = await wirelab('certs', 'export-ca', join(dir, 'ca.pem'));
    assert.equal(exported.code, 0, exported.stderr);
    // As the seed does it, with a modern key, and asking for more than it may have (CA:TRUE).
    await openssl('req', '-new', '-nodes', '-newkey', 'rsa:2048', '-keyout', join(dir, 'serverkey.pem'), '-out', join(dir, 'servercsr.pem'),
      '-subj', '/C=ES/ST=Murcia/O=UMU/OU=ST/CN=student.st.um', '-addext', 'subjectAltName=DNS:student.st.um,IP:127.0.0.9', '-addext', 'basicConstraints=critical,CA:TRUE');
    const signed = await wirelab('certs', 'sign', join(dir, 'servercsr.pem'), '--out', join(dir, 'servercert.pem'));
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /signed "C=ES, ST=Murcia, O=UMU, OU=ST, CN=student\.st\.um"/);
    const verified = await openssl('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.pem'), join(dir, 'servercert.pem'));
    assert.match(verified.stdout, /servercert\.pem: OK/);
    const text = (await openssl('x509', '-in', join(dir, 'servercert.pem'), '-noout', '-text')).stdout;
    assert.match(text, /Subject: C = ES, ST = Murcia, O = UMU, OU = ST, CN = student\.st\.um/);
    assert.match(text, /DNS:student\.st\.um, IP Address:127\.0\.0\.9/);
    assert.match(text, /CA:FALSE/, 'a CSR must not get a CA certificate by asking');
    // The certificate goes with the key that made the request.
    const fromCert = (await openssl('x509', '-in', join(dir, 'servercert.pem'), '-noout', '-pubkey')).stdout;
    const fromKey = (await openssl('pkey', '-in', join(dir, 'serverkey.pem'), '-pubout')).stdout;
    assert.equal(fromCert, fromKey);
    const listed = await wirelab('certs', 'list');
    assert.match(listed.stdout, /student\.st\.um-[0-9a-f]+\s+signed/);
  });
});

test('`certs sign` on stdout, and refusals: a request without a host, a weak key, a damaged signature', async (t) => {
  if (!hasCommand('openssl')) return t.skip('openssl not installed');
  await withScratch(async (dir, wirelab) => {
    await openssl('req', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'ok.csr'), '-subj', '/CN=cn-only.st.um');
    const signed = await wirelab('certs', 'sign', join(dir, 'ok.csr'));
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /^-----BEGIN CERTIFICATE-----/);
    await writeFile(join(dir, 'stdout.pem'), signed.stdout);
    assert.match((await openssl('x509', '-in', join(dir, 'stdout.pem'), '-noout', '-ext', 'subjectAltName')).stdout, /DNS:cn-only\.st\.um/);

    await openssl('req', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', join(dir, 'k2.pem'), '-out', join(dir, 'nohost.csr'), '-subj', '/O=UMU/CN=Jose Garcia');
    const nohost = await wirelab('certs', 'sign', join(dir, 'nohost.csr'));
    assert.equal(nohost.code, 1);
    assert.match(nohost.stderr, /names no host/);

    await openssl('req', '-new', '-nodes', '-newkey', 'rsa:1024', '-keyout', join(dir, 'k3.pem'), '-out', join(dir, 'weak.csr'), '-subj', '/CN=weak.st.um');
    const weak = await wirelab('certs', 'sign', join(dir, 'weak.csr'));
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /1024 bits/);

    const pem = await readFile(join(dir, 'ok.csr'), 'utf8');
    const bytes = Buffer.from(pem.split('\n').filter((l) => !l.startsWith('-----')).join(''), 'base64');
    bytes[bytes.length - 5] ^= 0x01; // a bit of the signature, the last field of the request
    const damagedPem = `-----BEGIN CERTIFICATE REQUEST-----\n${bytes.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await writeFile(join(dir, 'damaged.csr'), damagedPem);
    const damaged = await wirelab('certs', 'sign', join(dir, 'damaged.csr'));
    assert.equal(damaged.code, 1, `signed a damaged request:\n${damagedPem}\noriginal:\n${pem}`);
    assert.match(damaged.stderr, /signature does not match/);
  });
});

test('`certs show` prints what `openssl x509 -text` prints, with SHA-256 and SHA-1 fingerprints', async (t) => {
  if (!hasCommand('openssl')) return t.skip('openssl not installed');
  await withScratch(async (dir, wirelab) => {
    for (const [name, file] of [['mail.st.um', 'hosts/st.um.pem'], ['ca', 'ca.pem']] as const) {
      const shown = await wirelab('certs', 'show', name);
      assert.equal(shown.code, 0, shown.stderr);
      const path = join(dir, 'data', 'pki', file);
      const expected = (await openssl('x509', '-in', path, '-noout', '-text')).stdout.trimEnd().split('\n');
      const lines = shown.stdout.trimEnd().split('\n');
      assert.deepEqual(lines.slice(0, expected.length), expected);
      for (const digest of ['sha256', 'sha1']) {
        const fingerprint = (await openssl('x509', '-in', path, '-noout', '-fingerprint', `-${digest}`)).stdout.trim().split('=')[1];
        assert.ok(lines.includes(`${digest.toUpperCase()} Fingerprint=${fingerprint}`), `${name}: ${digest} fingerprint`);
      }
      assert.ok(lines.includes(`File: ${path}`));
    }
    const unknown = await wirelab('certs', 'show', 'nosuch.st.um');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no such certificate name or file/);
  });
});

test('`certs export-ca` writes the CA and says how to trust it; `certs issue` makes a certificate for the names given', async (t) => {
  if (!hasCommand('openssl')) return t.skip('openssl not installed');
  await withScratch(async (dir, wirelab) => {
    const exported = await wirelab('certs', 'export-ca', join(dir, 'ca.pem'));
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal((await readFile(join(dir, 'ca.pem'), 'utf8')).trim(), (await readFile(join(dir, 'data', 'pki', 'ca.pem'), 'utf8')).trim());
    for (const how of [/curl --cacert/, /Thunderbird/, /update-ca-certificates/, /SHA-256 fingerprint: [0-9A-F:]{95}/]) assert.match(exported.stdout, how);
    const toStdout = await wirelab('certs', 'export-ca');
    assert.match(toStdout.stdout, /^-----BEGIN CERTIFICATE-----[\s\S]*-----END CERTIFICATE-----\s*$/);

    const issued = await wirelab('certs', 'issue', 'intranet', '--san', 'intranet.st.um', '--san', '127.0.0.8', '--days', '30');
    assert.equal(issued.code, 0, issued.stderr);
    const cert = join(dir, 'data', 'pki', 'issued', 'intranet.pem');
    assert.match((await openssl('verify', '-CAfile', join(dir, 'ca.pem'), cert)).stdout, /OK/);
    const check = (await openssl('x509', '-in', cert, '-noout', '-checkhost', 'intranet.st.um', '-checkip', '127.0.0.8')).stdout;
    assert.match(check, /Hostname intranet\.st\.um does match/);
    assert.match(check, /IP 127\.0\.0\.8 does match/);
    await openssl('x509', '-in', cert, '-noout', '-checkend', String(29 * 86400));
    const ends = await run('openssl', ['x509', '-in', cert, '-noout', '-checkend', String(31 * 86400)]);
    assert.equal(ends.code, 1, '--days 30 makes a certificate that expires within 31 days');

    const bad = await wirelab('certs', 'issue', 'x', '--san', 'not a name');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /is not a DNS name/);
  });
});
