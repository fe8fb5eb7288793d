import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HostConfig } from '../lab/config.js';
import { WirelabError } from '../lab/errors.js';
import type { ListenEndpoint, ProbeResult, ProbeTarget, Service, ServiceContext, ServiceDefinition, ServiceState, ServiceStatus } from '../lab/service.js';
import { AddressSet } from '../net/cidr.js';
import { listenError } from '../net/listen-error.js';
import { TcpService } from '../net/tcp-service.js';
import { query } from './client.js';
import { rcodeName } from './rcodes.js';
import { Forwarder } from './recursion/forwarder.js';
import { DnsEngine } from './server/engine.js';
import { serveTcp } from './server/tcp-session.js';
import { UdpListener } from './server/udp-listener.js';
import type { NotifyVerdict } from './server/operations/operation.js';
import { AnswerCache } from './server/prepared.js';
import { ZoneRegistry } from './server/zone-registry.js';
import { notifySecondaries } from './transfer/notifier.js';
import { SecondaryZone } from './transfer/secondary-zone.js';
import { RrClass, RrType } from './wire/constants.js';
import { canonicalName, isInZone } from './wire/name.js';
import type { LabFacts } from './zone/lab-zones.js';
import { PrimaryZone } from './zone/primary-zone.js';
import { SerialStore } from './zone/serial.js';
import type { Zone } from './zone/zone.js';
import { parseServerAddress, planZones, zonesServedBy, type ServerAddress, type ZonePlan } from './zone/zone-plan.js';

export const DNS_STANDARD_PORT = 53;
/** How often primaries look for changes (zone files edited, services started on new ports). */
const WATCH_MS = 1000;
/** Tries to find a port free for both UDP and TCP when the port is chosen by the OS. */
const BIND_ATTEMPTS = 8;

/**
 * One DNS server on one lab host (the seed's bind9 on ns1 or ns2): primary for the zones whose first
 * name server is this host, secondary for the others it is listed for, on UDP and TCP sharing one port.
 */
export class DnsService implements Service {
  readonly name: string;
  readonly kind: string;
  private state: ServiceState = 'stopped';
  private udp: UdpListener | undefined;
  private tcp: TcpService | undefined;
  private startedAt: number | undefined;
  private registry: ZoneRegistry | undefined;
  private readonly primaries: PrimaryZone[] = [];
  private readonly secondaries = new Map<string, SecondaryZone>();
  private watcher: NodeJS.Timeout | undefined;
  private rebuilding = false;
  private readonly recursionMemo = new Map<string, boolean>();

  constructor(private readonly ctx: ServiceContext) {
    this.name = ctx.name;
    this.kind = ctx.kind;
  }

  async start(): Promise<void> {
    this.state = 'starting';
    try {
      await this.startUp();
      this.state = 'running';
      this.startedAt = Date.now();
    } catch (err) {
      this.state = 'failed';
      await this.stop();
      this.state = 'failed';
      throw err;
    }
  }

  private async startUp(): Promise<void> {
    const { ctx } = this;
    const served = zonesServedBy(ctx.config, ctx.host);
    const registry = new ZoneRegistry(served.map((s) => ({ origin: s.plan.origin, role: s.role })));
    this.registry = registry;
    const cache = new AnswerCache();
    registry.onChange(() => cache.clear());

    const serials = new SerialStore(join(ctx.dataDir.root, 'dns', 'serials'));
    const facts: LabFacts = { config: ctx.config, servicePort: (service, standard) => this.servicePort(service, standard) };
    for (const { plan } of served.filter((s) => s.role === 'primary')) {
      const primary = new PrimaryZone(plan, facts, serials);
      try {
        registry.set(plan.origin, (await primary.rebuild()).zone);
      } catch (err) {
        throw new WirelabError('CONFIG_INVALID', `services.${ctx.name}: zone ${plan.origin}: ${(err as Error).message}`);
      }
      this.primaries.push(primary);
    }

    const recursion = new AddressSet(ctx.config.dns.allowRecursion ?? [...ctx.config.mail.localNetworks, ...ctx.config.hosts.map((h) => h.address)]);
    const transfer = new AddressSet(ctx.config.dns.allowTransfer ?? this.nameServerAddresses(served.map((s) => s.plan)));
    const engine = new DnsEngine({
      zones: registry,
      cache,
      forwarder: new Forwarder((name) => this.routeFor(name), ctx.host.address),
      recursionAllowed: (address) => this.memoRecursion(recursion, address),
      transferAllowed: (address) => transfer.has(address),
      receiveNotify: (origin, from) => this.receiveNotify(origin, from),
    });
    await this.listen(engine);

    for (const { plan } of served.filter((s) => s.role === 'secondary')) {
      const secondary = new SecondaryZone({
        origin: plan.origin,
        primaries: () => this.primariesOf(plan),
        localAddress: ctx.host.address,
        registry,
        directory: join(ctx.dataDir.root, 'dns', 'secondary', ctx.name),
        service: ctx.name,
        host: ctx.host.name,
        log: ctx.log,
      });
      this.secondaries.set(plan.origin, secondary);
      await secondary.start();
    }
    for (const primary of this.primaries) if (primary.zone) this.announce(primary.plan, primary.zone);
    this.watcher = setInterval(() => void this.rebuild(), WATCH_MS);
    this.watcher.unref();
    const zones = served.map((s) => `${s.role} ${s.plan.origin}`).join(', ');
    ctx.log.info(`serving ${zones || 'no zones (recursion only)'}`);
  }

  /** UDP first (on port 0 the OS picks one), then TCP on the same port; try again if TCP finds it taken. */
  private async listen(engine: DnsEngine): Promise<void> {
    const { ctx } = this;
    for (let attempt = 1; ; attempt += 1) {
      const udp = new UdpListener(ctx, engine);
      let port: number;
      try {
        port = await udp.bind(ctx.port);
      } catch (err) {
        throw listenError(err as NodeJS.ErrnoException, ctx, 'udp');
      }
      const tcp = new TcpService({ ...ctx, port }, serveTcp(engine, ctx.log), { maxConnections: 256, drainMs: 2000 });
      try {
        await tcp.start();
        this.udp = udp;
        this.tcp = tcp;
        return;
      } catch (err) {
        await udp.close();
        const taken = err instanceof WirelabError && err.code === 'PORT_IN_USE';
        if (!taken || ctx.port !== 0 || attempt >= BIND_ATTEMPTS) throw err;
      }
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    if (this.watcher) clearInterval(this.watcher);
    for (const secondary of this.secondaries.values()) secondary.stop();
    await Promise.allSettled([this.udp?.close(), this.tcp?.stop()]);
    this.udp = undefined;
    this.tcp = undefined;
    this.state = 'stopped';
  }

  status(): ServiceStatus {
    const tcp = this.tcp?.status();
    const endpoints: ListenEndpoint[] = tcp ? [...tcp.endpoints, ...tcp.endpoints.map((e) => ({ ...e, transport: 'udp' as const }))] : [];
    const zones = this.registry?.origins().map((origin) => {
      const entry = this.registry?.get(origin);
      const secondary = this.secondaries.get(origin)?.current.name;
      return `${origin} ${entry?.role}${secondary ? ` (${secondary})` : ''}${entry?.zone ? ` serial ${entry.zone.serial}` : ''}`;
    });
    return {
      state: this.state,
      endpoints,
      active: tcp?.active ?? 0,
      total: (tcp?.total ?? 0) + (this.udp?.total ?? 0),
      ...(this.startedAt ? { startedAt: this.startedAt } : {}),
      ...(zones && zones.length > 0 ? { detail: zones.join('; ') } : {}),
    };
  }

  /** Rebuilds the primary zones; a zone whose content changed gets a new serial and its secondaries a NOTIFY. */
  private async rebuild(): Promise<void> {
    if (this.rebuilding || this.state !== 'running') return;
    this.rebuilding = true;
    try {
      for (const primary of this.primaries) {
        try {
          const { zone, changed } = await primary.rebuild();
          if (!changed) continue;
          this.registry?.set(primary.plan.origin, zone);
          this.ctx.log.info(`zone ${zone.origin} changed: serial ${zone.serial}`);
          this.announce(primary.plan, zone);
        } catch (err) {
          this.ctx.log.error(`zone ${primary.plan.origin} not reloaded, still serving the previous copy: ${(err as Error).message}`);
        }
      }
    } finally {
      this.rebuilding = false;
    }
  }

  private announce(plan: ZonePlan, zone: Zone): void {
    const targets = [
      ...plan.secondaries.flatMap((host) => this.dnsEndpointsOf(host)),
      ...this.ctx.config.dns.alsoNotify.map((text) => parseServerAddress(text)),
    ].filter((t) => !(t.address === this.ctx.host.address && t.port === this.port));
    if (targets.length === 0) return;
    void notifySecondaries(zone, targets, {
      service: this.name,
      host: this.ctx.host.name,
      localAddress: this.ctx.host.address,
      log: this.ctx.log,
      shutdown: this.ctx.shutdown,
    });
  }

  private receiveNotify(origin: string, from: string): NotifyVerdict {
    const secondary = this.secondaries.get(origin);
    if (!secondary) return 'not-secondary';
    return secondary.notified(from) ? 'accepted' : 'not-from-primary';
  }

  private get port(): number {
    return this.tcp?.status().endpoints[0]?.port ?? this.ctx.port;
  }

  /** The lab DNS service listening on a host, found at run time (ports may be ephemeral). */
  private dnsEndpointsOf(host: HostConfig): ServerAddress[] {
    return this.ctx
      .peers({ kind: 'dns', address: host.address })
      .filter((p) => p.transport === 'udp')
      .map((p) => ({ address: p.address, port: p.port }));
  }

  private primariesOf(plan: ZonePlan): ServerAddress[] {
    if (plan.source.kind === 'external') return plan.source.primaries;
    return plan.primary ? this.dnsEndpointsOf(plan.primary) : [];
  }

  /**
   * Where to forward a name: a lab zone served by another lab host goes to that host's DNS (so every lab
   * domain resolves through any lab server); anything else to the configured forwarders.
   */
  private routeFor(name: string): ServerAddress[] {
    const key = canonicalName(name);
    const plan = planZones(this.ctx.config)
      .filter((p) => isInZone(key, p.origin))
      .sort((a, b) => b.origin.length - a.origin.length)[0];
    if (plan) {
      const servers = [plan.primary, ...plan.secondaries].filter((h): h is HostConfig => h !== undefined && h !== this.ctx.host);
      const lab = servers.flatMap((host) => this.dnsEndpointsOf(host));
      if (lab.length > 0) return lab;
    }
    return this.ctx.config.dns.forwarders.map((text) => parseServerAddress(text));
  }

  /** allow-transfer's default: the addresses of the hosts serving these zones (the seed: the secondary). */
  private nameServerAddresses(plans: ZonePlan[]): string[] {
    const addresses = new Set<string>([this.ctx.host.address]);
    for (const plan of plans) {
      for (const host of [plan.primary, ...plan.secondaries]) if (host) addresses.add(host.address);
    }
    return [...addresses];
  }

  private memoRecursion(allowed: AddressSet, address: string): boolean {
    let verdict = this.recursionMemo.get(address);
    if (verdict === undefined) {
      verdict = allowed.has(address);
      if (this.recursionMemo.size > 10_000) this.recursionMemo.clear();
      this.recursionMemo.set(address, verdict);
    }
    return verdict;
  }

  /** SRV records name the port a lab service really listens on; before it runs, its configured port. */
  private servicePort(serviceName: string, standardPort: number): number {
    const running = this.ctx.peers({ name: serviceName })[0];
    if (running) return running.port;
    const configured = this.ctx.config.services[serviceName]?.port;
    if (configured !== undefined) return configured;
    const offset = this.ctx.service.port === undefined && this.ctx.port !== 0 ? this.ctx.port - DNS_STANDARD_PORT : 0;
    return standardPort + offset;
  }
}

export const dnsDefinition: ServiceDefinition = {
  kind: 'dns',
  summary: 'DNS: authoritative primary/secondary for the lab zones, forwarding for local clients',
  standardPort: DNS_STANDARD_PORT,
  transport: 'tcp+udp',
  create: (ctx) => new DnsService(ctx),
  /** The seed's "Test services": an SOA question about the host's own name must get an authoritative answer. */
  async probe(target: ProbeTarget): Promise<ProbeResult> {
    const started = performance.now();
    try {
      const answer = await query({ address: target.address, port: target.port }, { name: target.hostName, type: RrType.SOA, class: RrClass.IN }, { timeoutMs: 2000 });
      const soa = [...answer.answers, ...answer.authorities].find((r) => r.type === RrType.SOA);
      const ms = Math.round(performance.now() - started);
      if (answer.rcode !== 0 || !answer.aa || !soa || soa.data.kind !== 'SOA') {
        return { ok: false, ms, detail: `SOA ${target.hostName}: ${rcodeName(answer.rcode)}${answer.aa ? '' : ', not authoritative'}` };
      }
      return { ok: true, ms, detail: `SOA ${soa.name} serial ${soa.data.serial} (authoritative)` };
    } catch (err) {
      return { ok: false, ms: Math.round(performance.now() - started), detail: (err as Error).message };
    }
  },
};
