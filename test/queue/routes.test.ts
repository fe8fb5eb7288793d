import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NameNotFoundError, ResolverUnavailableError, type MxResult } from '../../src/dns/lab-resolver.js';
import { configFrom, demoConfig, findHost, type LabConfig } from '../../src/lab/config.js';
import type { PeerEndpoint } from '../../src/lab/service.js';
import { RouteFinder, type MailResolver, type Route } from '../../src/mail/delivery/routes.js';

/** A resolver answering from tables: MX per domain, addresses per name; an Error value is thrown. */
function resolver(mx: Record<string, MxResult | Error>, addresses: Record<string, string[] | Error>): MailResolver {
  return {
    async resolveMx(domain) {
      const answer = mx[domain] ?? new NameNotFoundError(domain);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async resolveAddresses(name) {
      const answer = addresses[name] ?? new NameNotFoundError(name);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const PEERS: PeerEndpoint[] = [
  { name: 'smtp', kind: 'smtp', host: 'st.um', address: '127.0.0.1', port: 40025, transport: 'tcp' },
  { name: 'smtp-umes', kind: 'smtp', host: 'um.es', address: '127.0.0.3', port: 40125, transport: 'tcp' },
  { name: 'submission-umes', kind: 'submission', host: 'um.es', address: '127.0.0.3', port: 40587, transport: 'tcp' },
];

function finder(options: { config?: LabConfig; from?: string; mx?: Record<string, MxResult | Error>; addresses?: Record<string, string[] | Error>; random?: () => number } = {}): RouteFinder {
  const config = options.config ?? demoConfig();
  return new RouteFinder({
    config,
    host: findHost(config, options.from ?? 'st.um')!,
    resolver: resolver(options.mx ?? {}, options.addresses ?? {}),
    peers: ({ kind, address }) => PEERS.filter((p) => p.kind === kind && p.address === address),
    labCa: () => 'CA PEM',
    random: options.random ?? (() => 0),
  });
}

function hops(route: Route): string[] {
  assert.equal(route.kind, 'remote', JSON.stringify(route));
  return route.kind === 'remote' ? route.hops.map((h) => `${h.name}[${h.address}]:${h.port ?? '-'}`) : [];
}

describe('routing: where a domain\'s mail goes from a lab host (RFC 5321 §5.1)', () => {
  it('a domain whose mailboxes live on this host is delivered here', async () => {
    assert.deepEqual(await finder().route('st.um'), { kind: 'local' });
    assert.notDeepEqual(await finder({ from: 'um.es', mx: { 'st.um': { kind: 'mx', hosts: [] } } }).route('st.um'), { kind: 'local' });
  });

  it('MX hosts in preference order, equal preferences shuffled, each address a hop; lab hosts at their SMTP service\'s port', async () => {
    const mx: MxResult = { kind: 'mx', hosts: [{ preference: 10, exchange: 'a.test' }, { preference: 10, exchange: 'b.test' }, { preference: 20, exchange: 'mail.um.es' }] };
    const addresses = { 'a.test': ['192.0.2.1'], 'b.test': ['192.0.2.2', '2001:db8::2'], 'mail.um.es': ['127.0.0.3'] };
    assert.deepEqual(hops(await finder({ mx: { 'x.test': mx }, addresses, random: () => 0.99 }).route('x.test')), [
      'a.test[192.0.2.1]:25',
      'b.test[192.0.2.2]:25',
      'b.test[2001:db8::2]:25',
      'mail.um.es[127.0.0.3]:40125',
    ]);
    assert.deepEqual(hops(await finder({ mx: { 'x.test': mx }, addresses, random: () => 0 }).route('x.test')).slice(0, 2), ['b.test[192.0.2.2]:25', 'b.test[2001:db8::2]:25']);
  });

  it('TLS: a lab peer is verified against the lab CA under its MX name; a stranger gets opportunistic, unverified TLS', async () => {
    const route = await finder({
      mx: { 'um.es': { kind: 'mx', hosts: [{ preference: 10, exchange: 'mail.um.es' }, { preference: 20, exchange: 'far.test' }] } },
      addresses: { 'mail.um.es': ['127.0.0.3'], 'far.test': ['192.0.2.9'] },
    }).route('um.es');
    assert.equal(route.kind, 'remote');
    if (route.kind !== 'remote') return;
    assert.deepEqual(route.hops[0]!.tls, { mode: 'opportunistic', verify: { ca: 'CA PEM', servername: 'mail.um.es' } });
    assert.equal(route.hops[0]!.found, 'MX 10 of um.es');
    assert.deepEqual(route.hops[1]!.tls, { mode: 'opportunistic' });
  });

  it('no MX: the domain\'s own address (implicit MX); null MX refused for good (RFC 7505)', async () => {
    const implicit = await finder({ mx: { 'plain.test': { kind: 'implicit', host: 'plain.test' } }, addresses: { 'plain.test': ['192.0.2.5'] } }).route('plain.test');
    assert.deepEqual(hops(implicit), ['plain.test[192.0.2.5]:25']);
    assert.equal(implicit.kind === 'remote' && implicit.hops[0]!.found, 'address of plain.test (no MX)');
    const nullMx = await finder({ mx: { 'nomail.test': { kind: 'null-mx' } } }).route('nomail.test');
    assert.deepEqual(nullMx, { kind: 'failed', temporary: false, failure: { status: '5.1.10', text: 'domain nomail.test does not accept mail (null MX, RFC 7505)' } });
  });

  it('a name that does not exist fails for good (5.4.4); a DNS that cannot answer now, for now (4.4.3)', async () => {
    const gone = await finder().route('nowhere.test');
    assert.equal(gone.kind === 'failed' && !gone.temporary && gone.failure.status, '5.4.4');
    const down = await finder({ mx: { 'x.test': new ResolverUnavailableError('x.test MX: timed out') } }).route('x.test');
    assert.equal(down.kind === 'failed' && down.temporary && down.failure.status, '4.4.3');
    const noAddress = await finder({ mx: { 'x.test': { kind: 'mx', hosts: [{ preference: 10, exchange: 'ghost.test' }] } } }).route('x.test');
    assert.equal(noAddress.kind === 'failed' && noAddress.failure.status, '5.4.4');
    const flaky = await finder({ mx: { 'x.test': { kind: 'mx', hosts: [{ preference: 10, exchange: 'ghost.test' }] } }, addresses: { 'ghost.test': new ResolverUnavailableError('SERVFAIL') } }).route('x.test');
    assert.equal(flaky.kind === 'failed' && flaky.temporary && flaky.failure.status, '4.4.3');
  });

  it('a backup MX only passes mail to better MX hosts; an MX that is this host with none better loops back to myself', async () => {
    const stum: MxResult = { kind: 'mx', hosts: [{ preference: 10, exchange: 'mail.st.um' }, { preference: 20, exchange: 'mail2.st.um' }, { preference: 30, exchange: 'mail3.test' }] };
    const addresses = { 'mail.st.um': ['127.0.0.1'], 'mail2.st.um': ['127.0.0.2'], 'mail3.test': ['192.0.2.3'] };
    assert.deepEqual(hops(await finder({ from: 'ns2.st.um', mx: { 'st.um': stum }, addresses }).route('st.um')), ['mail.st.um[127.0.0.1]:40025']);
    const loop = await finder({ mx: { 'loop.test': { kind: 'mx', hosts: [{ preference: 10, exchange: 'mail.st.um' }] } }, addresses }).route('loop.test');
    assert.deepEqual(loop, { kind: 'failed', temporary: false, failure: { status: '5.4.6', text: 'mail for loop.test loops back to myself' } });
  });

  it('a lab MX host whose SMTP service is not running is a hop without a port (the transport reports it down)', async () => {
    const route = await finder({ from: 'um.es', mx: { 'st.um': { kind: 'mx', hosts: [{ preference: 20, exchange: 'mail2.st.um' }] } }, addresses: { 'mail2.st.um': ['127.0.0.2'] } }).route('st.um');
    assert.deepEqual(hops(route), ['mail2.st.um[127.0.0.2]:-']);
  });

  it('a smarthost takes everything not local: a lab host by its standard port, AUTH and TLS as configured; an address as given', async () => {
    const viaLab = configFrom({ mail: { queue: { smarthost: { host: 'mail.um.es', port: 587, tls: 'starttls', user: 'user3@um.es', password: 'password' } } } });
    const route = await finder({ config: viaLab }).route('anywhere.test');
    assert.deepEqual(hops(route), ['mail.um.es[127.0.0.3]:40587']);
    assert.ok(route.kind === 'remote');
    if (route.kind !== 'remote') return;
    assert.deepEqual(route.hops[0]!.tls, { mode: 'starttls', verify: { ca: 'CA PEM', servername: 'mail.um.es' } });
    assert.deepEqual(route.hops[0]!.auth, { user: 'user3@um.es', password: 'password' });
    assert.deepEqual(await finder({ config: viaLab }).route('st.um'), { kind: 'local' });

    const byAddress = configFrom({ mail: { queue: { smarthost: { host: '192.0.2.25', port: 2525, tls: 'opportunistic' } } } });
    const direct = await finder({ config: byAddress }).route('anywhere.test');
    assert.deepEqual(hops(direct), ['192.0.2.25[192.0.2.25]:2525']);
    assert.ok(direct.kind === 'remote' && direct.hops[0]!.tls.verify === undefined);
  });
});
