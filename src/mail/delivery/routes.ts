import { isIP } from 'node:net';
import { findHost, type HostConfig, type LabConfig, type SmarthostConfig } from '../../lab/config.js';
import type { PeerEndpoint } from '../../lab/service.js';
import { NameNotFoundError, ResolverUnavailableError, type MailExchanger, type MxResult } from '../../dns/lab-resolver.js';
import type { Failure } from '../queue/delivery-state.js';
import type { TlsPolicy } from './smtp-client/session.js';

/** A server to try: its name (MX target or smarthost), address and port, and how to speak TLS to it. */
export interface NextHop {
  name: string;
  address: string;
  /** undefined: the address is a lab host on which no SMTP service runs right now. */
  port: number | undefined;
  /** The lab host at this address, if it is one. */
  labHost?: HostConfig;
  tls: TlsPolicy;
  auth?: { user: string; password: string };
  /** How the hop was found, for the tap and `wirelab queue show` ("MX 10 of um.es"). */
  found: string;
}

/** Where a recipient domain's mail goes from this host. */
export type Route =
  | { kind: 'local' }
  | { kind: 'remote'; hops: NextHop[] }
  | { kind: 'failed'; temporary: boolean; failure: Failure };

/** The DNS questions routing asks (LabResolver answers them). */
export interface MailResolver {
  resolveMx(domain: string): Promise<MxResult>;
  resolveAddresses(name: string): Promise<string[]>;
}

export interface RouteContext {
  config: LabConfig;
  /** The host this delivery agent sends from. */
  host: HostConfig;
  resolver: MailResolver;
  /** The lab's running services, to find a lab host's SMTP port (ports may be ephemeral or offset). */
  peers(filter: { kind: string; address: string }): PeerEndpoint[];
  /** The lab CA certificate (PEM), to verify lab peers; undefined when the lab has none. */
  labCa(): string | undefined;
  random?: () => number;
}

/** The standard port a smarthost is given by → the lab service kind listening there (wherever the lab put it). */
const KIND_OF_STANDARD_PORT: Record<number, string> = { 25: 'smtp', 587: 'submission', 465: 'smtps' };
/** Postfix's smtp_mx_address_limit is 5; a lab has few hosts, but a zone file may list many. */
const MAX_HOPS = 10;

/**
 * Routing as an MTA does it (RFC 5321 §5.1): a domain whose mailboxes live on this host is delivered
 * here; with a smarthost everything else goes there; otherwise the domain's MX hosts in preference
 * order (equal preferences shuffled), its own address when it has no MX, nothing for a null MX (RFC 7505).
 * When this host is itself an MX of the domain, only better-preference hosts are tried — none left
 * means the mail loops back to us.
 */
export class RouteFinder {
  private readonly random: () => number;

  constructor(private readonly ctx: RouteContext) {
    this.random = ctx.random ?? Math.random;
  }

  /** Whether this host keeps the mailboxes of `domain` (the domain's mailHost is this host). */
  isLocal(domain: string): boolean {
    const d = this.ctx.config.domains.find((x) => x.name.toLowerCase() === domain);
    return d !== undefined && findHost(this.ctx.config, d.mailHost) === this.ctx.host;
  }

  async route(domain: string): Promise<Route> {
    if (this.isLocal(domain)) return { kind: 'local' };
    const smarthost = this.ctx.config.mail.queue.smarthost;
    if (smarthost) return this.viaSmarthost(smarthost);
    return this.viaMx(domain);
  }

  private async viaMx(domain: string): Promise<Route> {
    let mx: MxResult;
    try {
      mx = await this.ctx.resolver.resolveMx(domain);
    } catch (err) {
      return nameFailure(err, domain, 'MX');
    }
    if (mx.kind === 'null-mx') {
      return { kind: 'failed', temporary: false, failure: { status: '5.1.10', text: `domain ${domain} does not accept mail (null MX, RFC 7505)` } };
    }
    const exchangers: MailExchanger[] = mx.kind === 'implicit' ? [{ preference: 0, exchange: mx.host }] : this.shuffleEqual(mx.hosts);
    const own = new Set([this.ctx.host.address]);
    const candidates: { mx: MailExchanger; address: string }[] = [];
    let lookupProblem: unknown;
    for (const exchanger of exchangers) {
      try {
        for (const address of await this.ctx.resolver.resolveAddresses(exchanger.exchange)) candidates.push({ mx: exchanger, address });
      } catch (err) {
        lookupProblem ??= err;
      }
    }
    // RFC 5321 §5.1: if we are an MX of the domain, discard ourselves and every worse-or-equal MX.
    const ourPreference = candidates.filter((c) => own.has(c.address)).map((c) => c.mx.preference);
    const usable = ourPreference.length > 0 ? candidates.filter((c) => c.mx.preference < Math.min(...ourPreference)) : candidates;
    if (usable.length === 0) {
      if (ourPreference.length > 0) {
        return { kind: 'failed', temporary: false, failure: { status: '5.4.6', text: `mail for ${domain} loops back to myself` } };
      }
      if (lookupProblem !== undefined) return nameFailure(lookupProblem, exchangers[0]?.exchange ?? domain, 'A');
      return { kind: 'failed', temporary: false, failure: { status: '5.4.4', text: `Host or domain name not found. Name service error for name=${domain}: no address for its mail exchangers` } };
    }
    const hops = usable.slice(0, MAX_HOPS).map(({ mx: m, address }) =>
      this.hop(m.exchange, address, mx.kind === 'implicit' ? `address of ${domain} (no MX)` : `MX ${m.preference} of ${domain}`),
    );
    return { kind: 'remote', hops };
  }

  private async viaSmarthost(smarthost: SmarthostConfig): Promise<Route> {
    const labHost = findHost(this.ctx.config, smarthost.host);
    let addresses: string[];
    if (labHost) addresses = [labHost.address];
    else if (isIP(smarthost.host) !== 0) addresses = [smarthost.host];
    else {
      try {
        addresses = await this.ctx.resolver.resolveAddresses(smarthost.host);
      } catch (err) {
        return nameFailure(err, smarthost.host, 'A');
      }
    }
    if (addresses.length === 0) return nameFailure(new NameNotFoundError(smarthost.host), smarthost.host, 'A');
    const hops = addresses.slice(0, MAX_HOPS).map((address) => {
      const lab = labHost ?? this.labHostAt(address);
      const labKind = KIND_OF_STANDARD_PORT[smarthost.port];
      // A lab host named by its service's standard port is reached wherever the lab runs that service.
      const port = lab && labKind ? this.labPort(address, labKind) : smarthost.port;
      const ca = lab ? this.ctx.labCa() : undefined;
      const nameForCheck = isIP(smarthost.host) === 0 ? smarthost.host : undefined;
      const hop: NextHop = {
        name: smarthost.host,
        address,
        port,
        tls: { mode: smarthost.tls, ...(nameForCheck && (ca || !lab) ? { verify: { ca, servername: nameForCheck } } : {}) },
        found: `smarthost ${smarthost.host}:${smarthost.port}`,
        ...(lab ? { labHost: lab } : {}),
        ...(smarthost.user && smarthost.password ? { auth: { user: smarthost.user, password: smarthost.password } } : {}),
      };
      return hop;
    });
    return { kind: 'remote', hops };
  }

  /** An MX hop: a lab host is verified against the lab CA; anything else gets opportunistic, unverified TLS (RFC 7435). */
  private hop(name: string, address: string, found: string): NextHop {
    const lab = this.labHostAt(address);
    const ca = lab ? this.ctx.labCa() : undefined;
    return {
      name,
      address,
      port: lab ? this.labPort(address, 'smtp') : 25,
      tls: { mode: 'opportunistic', ...(ca ? { verify: { ca, servername: name } } : {}) },
      found,
      ...(lab ? { labHost: lab } : {}),
    };
  }

  private labHostAt(address: string): HostConfig | undefined {
    return this.ctx.config.hosts.find((h) => h.address === address);
  }

  /** Where the lab's service of `kind` on that address listens; undefined when none runs now. */
  private labPort(address: string, kind: string): number | undefined {
    return this.ctx.peers({ kind, address }).find((p) => p.transport === 'tcp')?.port;
  }

  /** RFC 5321 §5.1: hosts of equal preference are tried in random order, spreading the load. */
  private shuffleEqual(hosts: MailExchanger[]): MailExchanger[] {
    const byPreference = new Map<number, MailExchanger[]>();
    for (const h of hosts) byPreference.set(h.preference, [...(byPreference.get(h.preference) ?? []), h]);
    return [...byPreference.keys()]
      .sort((a, b) => a - b)
      .flatMap((p) => {
        const group = [...byPreference.get(p)!];
        for (let i = group.length - 1; i > 0; i--) {
          const j = Math.floor(this.random() * (i + 1));
          [group[i], group[j]] = [group[j]!, group[i]!];
        }
        return group;
      });
  }
}

/** A failed name lookup as Postfix words it: not found is permanent (5.4.4), no answer now is temporary (4.4.3). */
function nameFailure(err: unknown, name: string, type: string): Route {
  if (err instanceof NameNotFoundError) {
    return { kind: 'failed', temporary: false, failure: { status: '5.4.4', text: `Host or domain name not found. Name service error for name=${name} type=${type}: Host not found` } };
  }
  const why = err instanceof ResolverUnavailableError ? err.message : String(err);
  return { kind: 'failed', temporary: true, failure: { status: '4.4.3', text: `Host or domain name not found. Name service error for name=${name} type=${type}: ${why}` } };
}
