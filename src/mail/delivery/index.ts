import { createServer } from 'node:net';
import type { ProbeResult, ProbeTarget, ServiceDefinition } from '../../lab/service.js';
import { DeliveryAgent } from './agent.js';

export const deliveryDefinition: ServiceDefinition = {
  kind: 'delivery',
  summary: 'Delivery agent: sends queued mail on to other domains by MX, retries, bounces (RFC 5321 §4.5.4, §5)',
  // A queue worker listens nowhere: it connects out, from its host's address.
  standardPort: 0,
  transport: 'tcp',
  create: (ctx) => new DeliveryAgent(ctx),
  probe: probeDelivery,
};

/**
 * The agent has no port to knock on; what it needs from its host is to send from the host's address,
 * so the check is that the address is one of this machine's (a socket can be bound to it).
 */
function probeDelivery(target: ProbeTarget): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const server = createServer();
    const done = (ok: boolean, detail: string): void => {
      server.close();
      resolve({ ok, ms: Math.round(performance.now() - started), detail });
    };
    server.once('error', (err) => done(false, `cannot send from ${target.address}: ${err.message}`));
    server.listen({ host: target.address, port: 0 }, () => done(true, `queue worker (no listener): can send from ${target.address}; see \`wirelab queue list\``));
  });
}
