import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { dnsDefinition } from '../../src/dns/service.js';
import { parseZoneFile } from '../../src/dns/zone/zone-file.js';
import { Zone } from '../../src/dns/zone/zone.js';
import { hasCommand, run } from '../helpers/run.js';
import { eventually, startDnsLab } from './helpers.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

describe('wirelab dns, and the probe behind wirelab test', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-dns-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('`wirelab dns zone st.um` prints the generated zone as a zone file BIND accepts', async () => {
    const result = await run(process.execPath, [cli, 'dns', 'zone', 'st.um', '--data', join(dir, 'data'), '--port-offset', '10000']);
    assert.equal(result.code, 0, result.stderr);
    const text = result.stdout;
    assert.match(text, /^\$ORIGIN st\.um\.$/m);
    assert.match(text, /^@\s+IN\s+SOA\s+ns1\.st\.um\. root\.ns1\.st\.um\. \($/m);
    assert.match(text, /^www\s+IN\s+CNAME\s+st\.um\.$/m);
    assert.match(text, /^\s+IN\s+MX\s+20 mail2\.st\.um\.$/m);
    assert.match(text, /^_submission\._tcp\s+IN\s+SRV\s+0 1 10587 st\.um\.$/m, 'the SRV port follows the port offset');
    const zone = Zone.build('st.um', parseZoneFile(text, 'st.um'));
    assert.ok(zone.size > 20);
    if (hasCommand('named-checkzone')) {
      const file = join(dir, 'db.st.um');
      await writeFile(file, text);
      const check = await run('named-checkzone', ['st.um', file]);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /OK/);
    }
  });

  it('`wirelab dns zones` lists each zone and its servers; an unknown zone is a clear error', async () => {
    const zones = await run(process.execPath, [cli, 'dns', 'zones']);
    assert.match(zones.stdout, /^st\.um\s+domain\s+primary st\.um, secondaries ns2\.st\.um$/m);
    assert.match(zones.stdout, /^um\.es\s+domain\s+primary um\.es$/m);
    assert.match(zones.stdout, /^0\.0\.127\.in-addr\.arpa\s+reverse/m);
    const unknown = await run(process.execPath, [cli, 'dns', 'zone', 'example.com']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /example\.com is not a zone of this lab; its zones: st\.um, um\.es, 0\.0\.127\.in-addr\.arpa/);
  });

  it('the probe asks each DNS for the SOA of its host name and wants an authoritative answer', async () => {
    const lab = await startDnsLab();
    try {
      const ns1 = await dnsDefinition.probe({ address: '127.0.0.1', port: lab.port('dns'), hostName: 'st.um' });
      assert.equal(ns1.ok, true, ns1.detail);
      assert.match(ns1.detail, /^SOA st\.um serial \d+ \(authoritative\)$/);
      const umes = await dnsDefinition.probe({ address: '127.0.0.3', port: lab.port('dns-umes'), hostName: 'um.es' });
      assert.equal(umes.ok, true, umes.detail);
      assert.ok(await eventually(async () => (await dnsDefinition.probe({ address: '127.0.0.2', port: lab.port('dns-ns2'), hostName: 'ns2.st.um' })).ok, 8000), 'the secondary, once loaded');
      const closed = await dnsDefinition.probe({ address: '127.0.0.1', port: 9, hostName: 'st.um' });
      assert.equal(closed.ok, false);
    } finally {
      await lab.dispose();
    }
  });
});
