import type { ServiceContext } from '../lab/service.js';
import { query, type QueryOptions } from './client.js';
import { Rcode, rcodeName } from './rcodes.js';
import { RrClass, RrType, typeName } from './wire/constants.js';
import type { DnsMessage } from './wire/message.js';
import { canonicalName } from './wire/name.js';
import type { ServerAddress } from './zone/zone-plan.js';

/** A name that does not exist (NXDOMAIN): permanent, a mail to it bounces (RFC 5321 §5.1). */
export class NameNotFoundError extends Error {
  constructor(readonly name: string) {
    super(`${name} does not exist (NXDOMAIN)`);
    this.name = 'NameNotFoundError';
  }
}

/** No usable answer now (SERVFAIL, REFUSED, timeout): temporary, a delivery is retried later. */
export class ResolverUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResolverUnavailableError';
  }
}

export interface MailExchanger {
  preference: number;
  exchange: string;
}

/**
 * Where a domain's mail goes (RFC 5321 §5.1): its MX hosts by preference; `null-mx` when the domain
 * says it takes no mail (a single `MX 0 .`, RFC 7505); `implicit` when it has no MX and the domain's
 * own address is used.
 */
export type MxResult = { kind: 'mx'; hosts: MailExchanger[] } | { kind: 'null-mx' } | { kind: 'implicit'; host: string };

/** CNAME hops a client follows on its own when the server's answer stops short. */
const MAX_CNAME_HOPS = 8;

/**
 * The resolver the lab's own services use (the delivery agent asks it where mail goes): it asks the
 * lab's DNS server, with recursion, from the service's own address — so lab domains resolve without the
 * system resolver.
 */
export class LabResolver {
  constructor(
    private readonly servers: () => ServerAddress[],
    private readonly options: Pick<QueryOptions, 'localAddress' | 'timeoutMs'> = {},
  ) {}

  /** A resolver for a lab service: the DNS service on its own host if there is one, else any lab DNS. */
  static forService(ctx: ServiceContext): LabResolver {
    const servers = (): ServerAddress[] => {
      const all = ctx.peers({ kind: 'dns' }).filter((p) => p.transport === 'udp');
      const own = all.filter((p) => p.address === ctx.host.address);
      return [...own, ...all.filter((p) => p.address !== ctx.host.address)].map((p) => ({ address: p.address, port: p.port }));
    };
    return new LabResolver(servers, { localAddress: ctx.host.address });
  }

  async resolveMx(domain: string): Promise<MxResult> {
    const { records } = await this.lookup(domain, RrType.MX);
    const mx = records.flatMap((r) => (r.data.kind === 'MX' ? [{ preference: r.data.preference, exchange: r.data.exchange }] : []));
    if (mx.length === 0) return { kind: 'implicit', host: canonicalName(domain) };
    if (mx.length === 1 && mx[0]?.exchange === '') return { kind: 'null-mx' };
    return { kind: 'mx', hosts: mx.filter((m) => m.exchange !== '').sort((a, b) => a.preference - b.preference) };
  }

  /** IPv4 then IPv6 addresses of a name, CNAMEs followed. Empty when the name exists without addresses. */
  async resolveAddresses(name: string): Promise<string[]> {
    const [v4, v6] = await Promise.all([this.lookup(name, RrType.A), this.lookup(name, RrType.AAAA)]);
    const addresses = [...v4.records, ...v6.records].flatMap((r) => (r.data.kind === 'A' || r.data.kind === 'AAAA' ? [r.data.address] : []));
    return [...new Set(addresses)];
  }

  /** The records of one type for a name, following CNAMEs in the answer and asking again where the chain stops short. */
  async lookup(name: string, type: number): Promise<{ name: string; records: DnsMessage['answers'] }> {
    let current = canonicalName(name);
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop += 1) {
      const answer = await this.ask(current, type);
      if (answer.rcode === Rcode.NXDOMAIN) throw new NameNotFoundError(current);
      if (answer.rcode !== Rcode.NOERROR) throw new ResolverUnavailableError(`${current} ${typeName(type)}: the lab DNS said ${rcodeName(answer.rcode)}`);
      // Walk the chain inside the answer: owner → CNAME target → … → records of the type.
      for (let inChain = 0; inChain <= MAX_CNAME_HOPS; inChain += 1) {
        const records = answer.answers.filter((r) => r.type === type && r.name.toLowerCase() === current);
        if (records.length > 0) return { name: current, records };
        const cname = answer.answers.find((r) => r.type === RrType.CNAME && r.name.toLowerCase() === current);
        if (!cname || cname.data.kind !== 'CNAME') break;
        current = canonicalName(cname.data.target);
      }
      const endsInCname = answer.answers.some((r) => r.type === RrType.CNAME);
      if (!endsInCname) return { name: current, records: [] };
    }
    throw new ResolverUnavailableError(`${name}: CNAME chain longer than ${MAX_CNAME_HOPS}`);
  }

  private async ask(name: string, type: number): Promise<DnsMessage> {
    const servers = this.servers();
    if (servers.length === 0) throw new ResolverUnavailableError('no lab DNS service is running');
    const problems: string[] = [];
    for (const server of servers) {
      try {
        return await query(server, { name, type, class: RrClass.IN }, { ...this.options, recursionDesired: true, timeoutMs: this.options.timeoutMs ?? 3000 });
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    throw new ResolverUnavailableError(`${name} ${typeName(type)}: ${problems.join('; ')}`);
  }
}
