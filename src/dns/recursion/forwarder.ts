import { query } from '../client.js';
import type { Question } from '../wire/message.js';
import type { ServerAddress } from '../zone/zone-plan.js';
import { ResponseCache, type CachedResponse } from './cache.js';

/** How a recursive question was answered, for the reply and the tap. */
export type Forwarded =
  | { kind: 'answer'; response: CachedResponse; via: string }
  | { kind: 'failed'; why: string };

/**
 * Recursion by forwarding, as the seed's bind9 does with `forwarders`: the question goes to the upstream
 * servers in turn (with RD, from the server's own address), the answer is cached by TTL. Concurrent
 * identical questions share one upstream query.
 */
export class Forwarder {
  private readonly cache = new ResponseCache();
  private readonly inFlight = new Map<string, Promise<Forwarded>>();

  constructor(
    /** Where to send a name: the lab DNS serving its zone, or the configured forwarders. */
    private readonly route: (name: string) => ServerAddress[],
    private readonly localAddress: string,
    private readonly timeoutMs = 2000,
  ) {}

  resolve(question: Question): Promise<Forwarded> {
    const cached = this.cache.get(question.name, question.type);
    if (cached) return Promise.resolve({ kind: 'answer', response: cached, via: 'cache' });
    const key = `${question.name.toLowerCase()}|${question.type}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.ask(question).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async ask(question: Question): Promise<Forwarded> {
    const upstreams = this.route(question.name);
    if (upstreams.length === 0) return { kind: 'failed', why: 'no forwarders configured for names outside the lab (dns.forwarders)' };
    const problems: string[] = [];
    for (const upstream of upstreams) {
      try {
        const reply = await query(upstream, { name: question.name, type: question.type, class: question.class }, {
          localAddress: this.localAddress,
          recursionDesired: true,
          timeoutMs: this.timeoutMs,
        });
        if (reply.rcode === 2 || reply.rcode === 5) {
          problems.push(`${upstream.address}#${upstream.port} said ${reply.rcode === 2 ? 'SERVFAIL' : 'REFUSED'}`);
          continue;
        }
        const response = { rcode: reply.rcode, answers: reply.answers, authorities: reply.authorities, additionals: reply.additionals };
        this.cache.put(question.name, question.type, response);
        return { kind: 'answer', response: { ...response, storedAt: Date.now(), expiresAt: Date.now() }, via: `${upstream.address}#${upstream.port}` };
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    return { kind: 'failed', why: problems.join('; ') };
  }
}
