import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasCommand } from '../helpers/run.js';
import { dig, eventually, startDnsLab, type DnsLab } from './helpers.js';
import { freePort, startNamed, type Named } from './named.js';

const records = (output: string): string[] =>
  output
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith(';'))
    .map((l) => l.replace(/\s+/g, ' ').trim().toLowerCase())
    .sort();
const short = async (address: string, port: number, ...args: string[]): Promise<string> => (await dig(address, port, ['+short', '+norec', ...args])).stdout.trim();

describe('interop with BIND 9', { skip: hasCommand('named') && hasCommand('dig') ? false : 'named (bind9) or dig not installed' }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-bind-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('BIND as a secondary of wirelab: transfers the zone, answers the same, follows NOTIFY', async () => {
    // named listens only on addresses it finds on an interface: on loopback that is 127.0.0.1 (own port).
    const bindAddress = '127.0.0.1';
    const bindPort = await freePort(bindAddress);
    const extra = join(dir, 'st.um.extra');
    await writeFile(extra, '$ORIGIN st.um.\n$TTL 300\nfirst IN A 10.1.1.1\n');
    let lab: DnsLab | undefined;
    let named: Named | undefined;
    try {
      lab = await startDnsLab((config) => {
        config.dns = {
          ...config.dns,
          zones: [{ name: 'st.um', file: extra }],
          alsoNotify: [`${bindAddress}#${bindPort}`],
        };
      });
      const labPort = lab.port();
      named = await startNamed({
        address: bindAddress,
        port: bindPort,
        zones: `zone "st.um" { type secondary; primaries { 127.0.0.1 port ${labPort}; }; file "db.st.um"; };`,
      });
      const bind = named;
      assert.ok(await eventually(async () => (await short(bindAddress, bindPort, 'first.st.um')) === '10.1.1.1', 15_000), `BIND loaded the zone:\n${bind.log()}`);
      const fromBind = records((await dig(bindAddress, bindPort, ['st.um', 'AXFR', '+nocmd', '+nostats'])).stdout);
      const fromLab = records((await dig('127.0.0.1', labPort, ['st.um', 'AXFR', '+nocmd', '+nostats'])).stdout);
      assert.deepEqual(fromBind, fromLab, 'BIND serves exactly the zone wirelab has');
      const www = (await dig(bindAddress, bindPort, ['+norec', '+nocmd', 'www.st.um'])).stdout;
      assert.match(www, /www\.st\.um\.\s+604800\s+IN\s+CNAME\s+st\.um\./);

      await appendFile(extra, 'second IN A 10.2.2.2\n');
      assert.ok(await eventually(async () => (await short(bindAddress, bindPort, 'second.st.um')) === '10.2.2.2', 15_000), `BIND followed the NOTIFY:\n${bind.log()}`);
      assert.match(bind.log(), /notify from 127\.0\.0\.1#\d+: serial \d+/);
    } finally {
      await named?.stop();
      await lab?.dispose();
    }
  });

  it('BIND as the primary of a wirelab secondary: AXFR, answers, NOTIFY after a reload', async () => {
    const bindAddress = '127.0.0.1';
    const bindPort = await freePort(bindAddress);
    const zone = (serial: number, extra = ''): string =>
      `$TTL 300\n@ IN SOA ns.bind.test. hostmaster.bind.test. ${serial} 3600 600 86400 300\n  IN NS ns\nns IN A ${bindAddress}\nwww IN A 192.0.2.1\nmail IN MX 10 ns\n${extra}`;
    let lab: DnsLab | undefined;
    let named: Named | undefined;
    try {
      lab = await startDnsLab((config) => {
        config.dns = { ...config.dns, zones: [{ name: 'bind.test', primaries: [`${bindAddress}#${bindPort}`], servedBy: ['ns2.st.um'] }] };
      });
      const ns2Port = lab.port('dns-ns2');
      named = await startNamed({
        address: bindAddress,
        port: bindPort,
        files: { 'bind.test.zone': zone(1) },
        zones: `zone "bind.test" { type primary; file "bind.test.zone"; allow-transfer { any; }; notify explicit; also-notify { 127.0.0.2 port ${ns2Port}; }; };`,
      });
      const bind = named;
      assert.ok(await eventually(async () => (await short('127.0.0.2', ns2Port, 'www.bind.test')) === '192.0.2.1', 15_000), 'wirelab copied the zone from BIND');
      assert.equal(await short('127.0.0.2', ns2Port, 'mail.bind.test', 'MX'), '10 ns.bind.test.');
      const aa = (await dig('127.0.0.2', ns2Port, ['+norec', 'www.bind.test'])).stdout;
      assert.match(aa, /flags: qr aa/);

      await writeFile(join(bind.dir, 'bind.test.zone'), zone(2, 'new IN A 192.0.2.2\n'));
      bind.reload();
      assert.ok(await eventually(async () => (await short('127.0.0.2', ns2Port, 'new.bind.test')) === '192.0.2.2', 15_000), `wirelab followed BIND's NOTIFY:\n${bind.log()}`);
      assert.doesNotMatch(bind.log(), /notify to 127\.0\.0\.2#\d+ failed/);
    } finally {
      await named?.stop();
      await lab?.dispose();
    }
  });
});
