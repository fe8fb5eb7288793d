import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { hasCommand, run } from '../helpers/run.js';
import { writeExtraZone } from './fixtures.js';
import { kdig, pythonWithDnspython, startDnsLab, type DnsLab } from './helpers.js';

const script = fileURLToPath(new URL('../../../test/dns/scripts/dnspython_checks.py', import.meta.url));

describe('DNS with kdig and dnspython', () => {
  let lab: DnsLab;
  let port: number;
  let extraDir: string;

  before(async () => {
    const extra = await writeExtraZone();
    extraDir = extra.dir;
    lab = await startDnsLab((config) => {
      config.dns = { ...config.dns, zones: [{ name: 'st.um', file: extra.file }] };
      config.services = { ...config.services, submission: { host: 'st.um', port: 0 } };
    });
    port = lab.port();
  });
  after(async () => {
    await lab?.dispose();
    await rm(extraDir, { recursive: true, force: true });
  });

  it('kdig: several queries on one TCP connection, and a transfer', { skip: hasCommand('kdig') ? false : 'kdig not installed (knot-dnsutils)' }, async () => {
    const out = await kdig('127.0.0.1', port, ['+tcp', '+keepopen', 'www.st.um', 'A', 'st.um', 'MX', 'nope.st.um', 'A', '_imap._tcp.st.um', 'SRV']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal((out.stdout.match(/;; ->>HEADER<<-/g) ?? []).length, 4, out.stdout);
    assert.match(out.stdout, /status: NXDOMAIN/);
    assert.equal((out.stdout.match(/TCP/g) ?? []).length >= 4, true);
    assert.match(out.stdout, /www\.st\.um\.\s+604800\s+IN\s+CNAME\s+st\.um\./);
    const axfr = await kdig('127.0.0.1', port, ['st.um', 'AXFR']);
    assert.match(axfr.stdout, /mail2\.st\.um\.\s+604800\s+IN\s+A\s+127\.0\.0\.2/);
    const edns = await kdig('127.0.0.1', port, ['+bufsize=512', '+notcp', '+ignore', 'big.st.um']);
    assert.match(edns.stdout, /[Ff]lags: qr aa tc/);
  });

  it('dnspython: 0x20 case, TCP, SRV with the submission port, NXDOMAIN with SOA, EDNS and TC, AXFR into a zone, IXFR when current', async (t) => {
    const python = pythonWithDnspython();
    if (!python) return t.skip('dnspython not installed (python3-dnspython)');
    const submissionPort = lab.endpoint('submission').port;
    // The SRV record follows the submission service's real port once it listens (the zone is rebuilt).
    for (let i = 0; i < 30; i += 1) {
      const srv = await kdig('127.0.0.1', port, ['+short', '_submission._tcp.st.um', 'SRV']);
      if (srv.stdout.includes(` ${submissionPort} `)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const result = await run(python, [script, '127.0.0.1', String(port)], { timeoutMs: 30_000 });
    assert.equal(result.code, 0, result.stderr);
    const seen = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(seen.mixed_case_question, 'MaIl.St.Um.');
    assert.deepEqual(seen.mixed_case_answer, ['127.0.0.1']);
    assert.equal(seen.aa, true);
    assert.deepEqual(seen.mx_tcp, ['10 mail.st.um.', '20 mail2.st.um.']);
    assert.ok((seen.mx_additional as string[]).includes('mail2.st.um.'));
    assert.deepEqual(seen.srv, [`0 1 ${submissionPort} st.um.`]);
    assert.equal(seen.nxdomain_rcode, 'NXDOMAIN');
    assert.match((seen.nxdomain_authority as string[])[0] ?? '', /^st\.um\. 604800 IN SOA ns1\.st\.um\. root\.ns1\.st\.um\./);
    assert.equal(seen.tc_at_512, true);
    assert.equal(seen.answers_at_1232, 40);
    assert.equal(seen.edns_payload, 1232);
    assert.ok((seen.axfr_names as string[]).includes('_imaps._tcp'));
    assert.equal(seen.axfr_www, '@', 'www is a CNAME to the apex');
    assert.deepEqual(seen.ixfr_current, [true]);
  });
});
