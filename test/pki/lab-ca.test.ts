import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { validateConfig, type LabConfig, type LabConfigInput } from '../../src/lab/config.js';
import { DataDir } from '../../src/lab/data-dir.js';
import { DEMO_CONFIG_YAML } from '../../src/lab/demo-config.js';
import { createLogger } from '../../src/lab/logger.js';
import { hostCertificateNames } from '../../src/pki/certificate-names.js';
import { ensureCredentials } from '../../src/pki/credentials.js';
import { issueNamed } from '../../src/pki/inventory.js';
import { prepareLabCertificates, type LabCertificates } from '../../src/pki/lab-tls.js';
import { namesOf, notAfter, notBefore } from '../../src/pki/renewal.js';
import * as x509 from '../../src/pki/x509.js';
import { hasCommand, run } from '../helpers/run.js';

const quiet = createLogger('silent');

function config(edit?: (c: LabConfigInput) => void): LabConfig {
  const raw = parseYaml(DEMO_CONFIG_YAML) as LabConfigInput;
  edit?.(raw);
  return validateConfig(raw, 'test config');
}

async function withDataDir(body: (dataDir: DataDir) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'wirelab-pki-'));
  try {
    await body(new DataDir(root));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function serials(certs: LabCertificates): Record<string, string> {
  return Object.fromEntries([...certs.hosts].map(([host, c]) => [host, c.certificate.serialNumber]));
}

test('first start makes a CA named from the config, with keys readable only by their owner', () =>
  withDataDir(async (dataDir) => {
    const certs = await prepareLabCertificates(config((c) => (c.pki = { organization: 'UMU', unit: 'ST', country: 'ES' })), dataDir, quiet);
    assert.equal(certs.authority.subject, 'C=ES, O=UMU, OU=ST, CN=st.um lab CA');
    const ca = new x509.X509Certificate(certs.authority.certificatePem);
    assert.equal(ca.getExtension(x509.BasicConstraintsExtension)?.ca, true);
    assert.equal(ca.publicKey.algorithm.name, 'ECDSA');
    for (const key of [certs.paths.caKey, ...[...certs.hosts.keys()].map((h) => certs.paths.hostKey(h))]) {
      assert.equal((await stat(key)).mode & 0o777, 0o600, key);
    }
    assert.deepEqual([...certs.hosts.keys()], ['st.um', 'ns2.st.um', 'um.es']);
  }));

test('each host certificate names the host (CN too), its aliases and addresses, and localhost on 127.0.0.1', () =>
  withDataDir(async (dataDir) => {
    const certs = await prepareLabCertificates(config(), dataDir, quiet);
    const main = namesOf(certs.hosts.get('st.um')!.certificate);
    assert.equal(main.commonName, 'st.um');
    for (const name of ['st.um', 'mail.st.um', 'smtp.st.um', 'pop3.st.um', 'imap.st.um', 'ldap.st.um', 'www3.st.um', 'localhost']) {
      assert.ok(main.dns.includes(name), `st.um certificate lacks DNS:${name}`);
    }
    assert.deepEqual(main.ips, ['127.0.0.1', '::1']);
    const secondary = namesOf(certs.hosts.get('ns2.st.um')!.certificate);
    assert.deepEqual(secondary, { commonName: 'ns2.st.um', dns: ['ns2.st.um', 'mail2.st.um'], ips: ['127.0.0.2'] });
    const purposes = new x509.X509Certificate(certs.hosts.get('st.um')!.certPem).getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [];
    assert.deepEqual([...purposes], [x509.ExtendedKeyUsage.serverAuth]);
  }));

test('openssl verify accepts the CA and every certificate it issued', async (t) => {
  if (!hasCommand('openssl')) return t.skip('openssl not installed');
  await withDataDir(async (dataDir) => {
    const lab = config();
    const certs = await prepareLabCertificates(lab, dataDir, quiet);
    await issueNamed(certs, lab, 'intranet', ['intranet.st.um', '127.0.0.7']);
    const files = [certs.paths.caCert, ...[...certs.hosts.keys()].map((h) => certs.paths.hostCert(h)), certs.paths.issuedCert('intranet')];
    const result = await run('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', certs.paths.caCert, ...files]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    for (const file of files) assert.match(result.stdout, new RegExp(`${file.replace(/[.]/g, '\\.')}: OK`));
    const keyCheck = await run('openssl', ['x509', '-noout', '-checkhost', 'intranet.st.um', '-checkip', '127.0.0.7', '-in', certs.paths.issuedCert('intranet')]);
    assert.match(keyCheck.stdout, /Hostname intranet\.st\.um does match/);
    assert.match(keyCheck.stdout, /IP 127\.0\.0\.7 does match/);
  });
});

test('a restart reuses the CA, the keys and the certificates', () =>
  withDataDir(async (dataDir) => {
    const first = await prepareLabCertificates(config(), dataDir, quiet);
    const caKey = await readFile(first.paths.caKey, 'utf8');
    const second = await prepareLabCertificates(config(), dataDir, quiet);
    assert.equal(second.authority.certificate.serialNumber, first.authority.certificate.serialNumber);
    assert.deepEqual(serials(second), serials(first));
    assert.equal(await readFile(second.paths.caKey, 'utf8'), caKey);
  }));

test('a host whose names changed gets a new certificate for them, with the same key; the others stay', () =>
  withDataDir(async (dataDir) => {
    const before = await prepareLabCertificates(config(), dataDir, quiet);
    const key = await readFile(before.paths.hostKey('st.um'), 'utf8');
    const after = await prepareLabCertificates(
      config((c) => c.hosts![0]!.aliases!.push('webmail.st.um')),
      dataDir,
      quiet,
    );
    assert.notEqual(after.hosts.get('st.um')!.certificate.serialNumber, before.hosts.get('st.um')!.certificate.serialNumber);
    assert.ok(namesOf(after.hosts.get('st.um')!.certificate).dns.includes('webmail.st.um'));
    assert.equal(await readFile(after.paths.hostKey('st.um'), 'utf8'), key);
    assert.equal(after.hosts.get('um.es')!.certificate.serialNumber, before.hosts.get('um.es')!.certificate.serialNumber);
  }));

test('a certificate is renewed once two thirds of its life have passed, not before', () =>
  withDataDir(async (dataDir) => {
    const lab = config();
    const certs = await prepareLabCertificates(lab, dataDir, quiet);
    const current = certs.hosts.get('st.um')!;
    const host = lab.hosts[0]!;
    const files = { cert: certs.paths.hostCert('st.um'), key: certs.paths.hostKey('st.um') };
    const from = notBefore(current.certificate).getTime();
    const lifetime = notAfter(current.certificate).getTime() - from;
    assert.equal(current.renewAt, from + (lifetime * 2) / 3);
    const early = await ensureCredentials(certs.authority, files, hostCertificateNames(host), lab.pki, quiet, current.renewAt - 1000);
    assert.equal(early.certificate.serialNumber, current.certificate.serialNumber);
    const due = await ensureCredentials(certs.authority, files, hostCertificateNames(host), lab.pki, quiet, current.renewAt + 1000);
    assert.notEqual(due.certificate.serialNumber, current.certificate.serialNumber);
    const onDisk = new X509Certificate(await readFile(files.cert, 'utf8'));
    assert.equal(onDisk.serialNumber, due.certificate.serialNumber);
  }));

test('certificates signed by a CA that was replaced are issued again by the new one', () =>
  withDataDir(async (dataDir) => {
    const before = await prepareLabCertificates(config(), dataDir, quiet);
    await rm(before.paths.caCert);
    await rm(before.paths.caKey);
    const after = await prepareLabCertificates(config(), dataDir, quiet);
    assert.notEqual(after.authority.certificate.serialNumber, before.authority.certificate.serialNumber);
    for (const [host, credentials] of after.hosts) {
      assert.notEqual(credentials.certificate.serialNumber, before.hosts.get(host)!.certificate.serialNumber);
      assert.ok(credentials.certificate.verify(after.authority.certificate.publicKey), host);
    }
  }));

test('a damaged CA file stops the start with a message that names the directory and the way out', () =>
  withDataDir(async (dataDir) => {
    const certs = await prepareLabCertificates(config(), dataDir, quiet);
    await writeFile(certs.paths.caCert, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    await assert.rejects(prepareLabCertificates(config(), dataDir, quiet), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'DATA_DIR');
      assert.match(err.message, new RegExp(`cannot use the lab CA in ${certs.paths.root.replace(/[.]/g, '\\.')}`));
      assert.match(err.message, /remove both to make a new CA/);
      return true;
    });
  }));

test('keyAlgorithm rsa-3072 makes RSA keys of 3072 bits', () =>
  withDataDir(async (dataDir) => {
    const certs = await prepareLabCertificates(
      config((c) => {
        c.pki = { keyAlgorithm: 'rsa-3072' };
        c.hosts = c.hosts!.slice(0, 1);
        c.domains = [{ name: 'st.um', mailHost: 'st.um', nameServers: ['st.um'] }];
        c.users = c.users!.filter((u) => u.address.endsWith('@st.um'));
        c.services = {};
      }),
      dataDir,
      quiet,
    );
    for (const certificate of [certs.authority.certificate, certs.hosts.get('st.um')!.certificate]) {
      assert.equal(certificate.publicKey.asymmetricKeyType, 'rsa');
      assert.equal(certificate.publicKey.asymmetricKeyDetails?.modulusLength, 3072);
    }
  }));
