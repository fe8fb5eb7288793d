import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasCommand } from '../helpers/run.js';
import { dig, eventually, header, section, startDnsLab, type DnsLab } from './helpers.js';

const short = async (server: string, port: number, ...args: string[]): Promise<string> => (await dig(server, port, ['+short', '+norec', ...args])).stdout.trim();
const serialOf = async (server: string, port: number, zone: string): Promise<number> => Number((await short(server, port, zone, 'SOA')).split(' ')[2]);

describe('secondary DNS (the seed\'s ns2): AXFR, NOTIFY, IXFR, refresh/retry/expire', { skip: hasCommand('dig') ? false : 'dig not installed' }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-secondary-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ns2 copies st.um from ns1, and a change on ns1 reaches ns2 by NOTIFY within seconds; IXFR gives the difference', async () => {
    const file = join(dir, 'st.um.extra');
    await writeFile(file, '$ORIGIN st.um.\n$TTL 300\nfirst IN A 10.1.1.1\n');
    const lab: DnsLab = await startDnsLab((config) => {
      config.dns = { ...config.dns, zones: [{ name: 'st.um', file }] };
    });
    try {
      const ns1 = lab.port('dns');
      const ns2 = lab.port('dns-ns2');
      assert.ok(await eventually(async () => (await short('127.0.0.2', ns2, 'first.st.um')) === '10.1.1.1', 10_000), 'ns2 has the zone');
      const ns2Answer = (await dig('127.0.0.2', ns2, ['+norec', 'www.st.um'])).stdout;
      assert.ok(header(ns2Answer).flags.includes('aa'), 'ns2 answers with authority');
      assert.equal(section(ns2Answer, 'ANSWER').length, 2);
      const before = await serialOf('127.0.0.1', ns1, 'st.um');
      assert.equal(await serialOf('127.0.0.2', ns2, 'st.um'), before);

      const changedAt = Date.now();
      await appendFile(file, 'second IN A 10.2.2.2\n');
      assert.ok(await eventually(async () => (await short('127.0.0.2', ns2, 'second.st.um')) === '10.2.2.2', 8000), 'ns2 picked up the change');
      const elapsed = Date.now() - changedAt;
      assert.ok(elapsed < 8000, `within seconds (${elapsed} ms)`);
      const after = await serialOf('127.0.0.1', ns1, 'st.um');
      assert.ok(after > before, `the serial grew: ${before} → ${after}`);
      assert.equal(await serialOf('127.0.0.2', ns2, 'st.um'), after);

      const notes = lab.transcripts.list().flatMap((c) => c.events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text));
      assert.ok(notes.some((n) => n.startsWith(`NOTIFY st.um serial ${after} → NOERROR`)), 'ns1 sent NOTIFY and ns2 answered it');
      assert.ok(notes.some((n) => n.startsWith('NOTIFY st.um from 127.0.0.1: refreshing')), 'ns2 took the NOTIFY from its primary');

      const ixfr = (await dig('127.0.0.1', ns1, [`st.um`, `IXFR=${before}`, '+nocmd', '+nostats'], { source: '127.0.0.2' })).stdout;
      const lines = ixfr.split('\n').filter((l) => l.trim() && !l.startsWith(';')).map((l) => l.replace(/\s+/g, ' '));
      assert.deepEqual(
        lines.map((l) => (l.includes(' SOA ') ? `SOA ${l.split(' ')[6]}` : l)),
        [`SOA ${after}`, `SOA ${before}`, `SOA ${after}`, 'second.st.um. 300 IN A 10.2.2.2', `SOA ${after}`],
      );
    } finally {
      await lab.dispose();
    }
  });

  it('a secondary of a primary that sends no NOTIFY follows REFRESH, retries, and stops answering after EXPIRE', async () => {
    const file = join(dir, 'example.test.zone');
    const zone = (serial: number, extra: string): string =>
      `$ORIGIN example.test.\n$TTL 60\n@ IN SOA ns1.st.um. root.st.um. ${serial} 2 1 5 60\n  IN NS ns1.st.um.\nwww IN A 10.0.0.${serial}\n${extra}`;
    await writeFile(file, zone(1, ''));
    const primary = await startDnsLab((config) => {
      config.services = { dns: { host: 'st.um' } };
      config.dns = { ...config.dns, zones: [{ name: 'example.test', file }] };
    });
    let secondary: DnsLab | undefined;
    try {
      const primaryPort = primary.port();
      secondary = await startDnsLab((config) => {
        config.services = { 'dns-ns2': { host: 'ns2.st.um', kind: 'dns' } };
        config.dns = { ...config.dns, zones: [{ name: 'example.test', primaries: [`127.0.0.1#${primaryPort}`], servedBy: ['ns2.st.um'] }] };
      });
      const port = secondary.port('dns-ns2');
      assert.ok(await eventually(async () => (await short('127.0.0.2', port, 'www.example.test')) === '10.0.0.1', 8000), 'loaded by AXFR');

      await writeFile(file, zone(2, 'new IN A 10.9.9.9\n'));
      assert.ok(await eventually(async () => (await short('127.0.0.2', port, 'new.example.test')) === '10.9.9.9', 10_000), 'refreshed after REFRESH (2 s)');
      const primaryNotes = primary.transcripts.list().flatMap((c) => c.events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text));
      assert.ok(!primaryNotes.some((n) => n.startsWith('NOTIFY example.test')), 'no NOTIFY was sent: the secondary refreshed on its own');

      await primary.dispose();
      const lostAt = Date.now();
      assert.equal(await short('127.0.0.2', port, 'new.example.test'), '10.9.9.9', 'still served while the primary is away');
      assert.ok(
        await eventually(async () => header((await dig('127.0.0.2', port, ['+norec', 'www.example.test'])).stdout).status === 'SERVFAIL', 12_000),
        'SERVFAIL once EXPIRE (5 s) has passed without contact',
      );
      assert.ok(Date.now() - lostAt >= 2500, 'not before EXPIRE');
    } finally {
      await secondary?.dispose();
      await primary.dispose();
    }
  });
});
