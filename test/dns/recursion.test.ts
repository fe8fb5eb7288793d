import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasCommand } from '../helpers/run.js';
import { dig, header, section, startDnsLab, type DnsLab } from './helpers.js';

describe('recursion: forwarding for the local network only, cached by TTL', { skip: hasCommand('dig') ? false : 'dig not installed' }, () => {
  let dir: string;
  let upstream: DnsLab;
  let lab: DnsLab;
  let port: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-upstream-'));
    const file = join(dir, 'example.test.zone');
    await writeFile(
      file,
      '$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns.example.test. hostmaster.example.test. 7 3600 600 86400 120\n  IN NS ns\nns IN A 127.0.0.1\nwww IN A 192.0.2.80\n',
    );
    // "The internet": a second lab whose DNS serves example.test, acting as the upstream resolver.
    upstream = await startDnsLab((config) => {
      config.services = { dns: { host: 'st.um' } };
      config.dns = { ...config.dns, zones: [{ name: 'example.test', file }] };
    });
    lab = await startDnsLab((config) => {
      config.dns = { ...config.dns, forwarders: [`127.0.0.1#${upstream.port()}`], allowRecursion: ['127.0.0.1/32'] };
    });
    port = lab.port();
  });
  after(async () => {
    await lab?.dispose();
    await upstream?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('forwards a name outside the lab for a local client: RA set, not authoritative', async () => {
    const out = (await dig('127.0.0.1', port, ['www.example.test'])).stdout;
    assert.equal(header(out).status, 'NOERROR');
    assert.ok(header(out).flags.includes('ra'));
    assert.ok(!header(out).flags.includes('aa'), 'a forwarded answer is not authoritative');
    assert.deepEqual(section(out, 'ANSWER').map((l) => l.replace(/ \d+ IN /, ' IN ')), ['www.example.test. IN A 192.0.2.80']);
  });

  it('passes on NXDOMAIN with the upstream SOA', async () => {
    const out = (await dig('127.0.0.1', port, ['nothing.example.test'])).stdout;
    assert.equal(header(out).status, 'NXDOMAIN');
    assert.match(section(out, 'AUTHORITY')[0] ?? '', /^example\.test\. \d+ IN SOA ns\.example\.test\./);
  });

  it('refuses strangers: never an open resolver', async () => {
    const out = (await dig('127.0.0.1', port, ['www.example.test'], { source: '127.0.0.9' })).stdout;
    assert.equal(header(out).status, 'REFUSED');
    assert.ok(!header(out).flags.includes('ra'));
  });

  it('resolves the lab\'s other domains through the lab DNS that serves them', async () => {
    const out = (await dig('127.0.0.1', port, ['mail.um.es'])).stdout;
    assert.deepEqual(section(out, 'ANSWER'), ['mail.um.es. 604800 IN A 127.0.0.3']);
    assert.ok(header(out).flags.includes('ra'));
  });

  it('answers from its cache, counting TTLs down, positive and negative, once the upstream is gone', async () => {
    const first = (await dig('127.0.0.1', port, ['+short', 'www.example.test'])).stdout.trim();
    assert.equal(first, '192.0.2.80');
    await dig('127.0.0.1', port, ['gone.example.test']);
    await new Promise((r) => setTimeout(r, 1100));
    await upstream.dispose();
    const cached = (await dig('127.0.0.1', port, ['www.example.test'])).stdout;
    const ttl = Number(section(cached, 'ANSWER')[0]?.split(' ')[1]);
    assert.ok(ttl < 300 && ttl >= 290, `a TTL counted down from 300: ${ttl}`);
    const negative = (await dig('127.0.0.1', port, ['gone.example.test'])).stdout;
    assert.equal(header(negative).status, 'NXDOMAIN', 'the negative answer is cached (RFC 2308)');
    // The forwarder waits 2 s for the silent upstream before saying SERVFAIL: give dig longer than that.
    const unknown = (await dig('127.0.0.1', port, ['+time=6', 'other.example.test'])).stdout;
    assert.equal(header(unknown).status, 'SERVFAIL', 'an uncached name fails while the upstream is away');
  });
});
