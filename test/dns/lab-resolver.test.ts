import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { LabResolver, NameNotFoundError } from '../../src/dns/lab-resolver.js';
import { writeExtraZone } from './fixtures.js';
import { startDnsLab, type DnsLab } from './helpers.js';

describe('the lab resolver (for the delivery agent)', () => {
  let lab: DnsLab;
  let resolver: LabResolver;
  let extraDir: string;

  before(async () => {
    const extra = await writeExtraZone();
    extraDir = extra.dir;
    lab = await startDnsLab((config) => {
      config.dns = { ...config.dns, zones: [{ name: 'st.um', file: extra.file }] };
    });
    resolver = new LabResolver(() => [{ address: '127.0.0.1', port: lab.port() }], { localAddress: '127.0.0.1' });
  });
  after(async () => {
    await lab?.dispose();
    await rm(extraDir, { recursive: true, force: true });
  });

  it('gives the MX hosts by preference, for the lab\'s own and its other domains', async () => {
    assert.deepEqual(await resolver.resolveMx('st.um'), {
      kind: 'mx',
      hosts: [
        { preference: 10, exchange: 'mail.st.um' },
        { preference: 20, exchange: 'mail2.st.um' },
      ],
    });
    assert.deepEqual(await resolver.resolveMx('UM.ES'), { kind: 'mx', hosts: [{ preference: 10, exchange: 'mail.um.es' }] });
  });

  it('recognises a null MX (RFC 7505) and a domain without MX (implicit MX)', async () => {
    assert.deepEqual(await resolver.resolveMx('nomail.st.um'), { kind: 'null-mx' });
    assert.deepEqual(await resolver.resolveMx('ns2.st.um'), { kind: 'implicit', host: 'ns2.st.um' });
  });

  it('finds addresses through CNAMEs, and says NXDOMAIN for names that do not exist', async () => {
    assert.deepEqual(await resolver.resolveAddresses('alias.st.um'), ['127.0.0.1']);
    assert.deepEqual(await resolver.resolveAddresses('mail2.st.um'), ['127.0.0.2']);
    await assert.rejects(resolver.resolveAddresses('nobody.st.um'), NameNotFoundError);
  });
});
