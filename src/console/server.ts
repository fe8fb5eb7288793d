import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ListenEndpoint, Service, ServiceContext, ServiceState, ServiceStatus } from '../lab/service.js';
import { WirelabError } from '../lab/errors.js';
import { isLoopback } from '../net/cidr.js';
import { listenTcp } from '../net/listen-error.js';
import { HttpProblem, sendJson, type RouteDefinition } from './http-json.js';
import { conversationRoutes } from './routes/conversations.js';
import { dnsRoutes } from './routes/dns.js';
import { explainRoutes } from './routes/explain.js';
import { mailRoutes } from './routes/mail.js';
import { serviceRoutes } from './routes/services.js';
import { serveUi } from './static-ui.js';

/**
 * The lab's console service, on loopback: the web app, and the JSON API it is built on (conversations,
 * their diagrams and explanations, pcapng export, the live tap, mailboxes, DNS, services) — also what
 * `wirelab trace`, `status` and `capture` read.
 */
export class ConsoleService implements Service {
  readonly name: string;
  readonly kind: string;
  private server: Server | undefined;
  private state: ServiceState = 'stopped';
  private endpoint: ListenEndpoint | undefined;
  private readonly sockets = new Set<Socket>();
  private total = 0;
  private startedAt: number | undefined;
  private readonly routes: RouteDefinition[];

  constructor(private readonly ctx: ServiceContext) {
    this.name = ctx.name;
    this.kind = ctx.kind;
    this.routes = [serviceRoutes, conversationRoutes, mailRoutes, dnsRoutes, explainRoutes].flatMap((routes) => routes(ctx));
  }

  async start(): Promise<void> {
    if (!isLoopback(this.ctx.host.address)) {
      // The console shows everyone's mail and, in the eavesdropper view, passwords: it has no login of its own.
      this.state = 'failed';
      throw new WirelabError(
        'CONFIG_INVALID',
        `services.${this.name}: the console has no login and shows every mailbox and password; run it on a loopback host, not ${this.ctx.host.address}`,
      );
    }
    this.state = 'starting';
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.total += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    const port = await listenTcp(server, this.ctx).catch((err: unknown) => {
      this.state = 'failed';
      throw err;
    });
    this.endpoint = { address: this.ctx.host.address, port, transport: 'tcp' };
    this.server = server;
    this.state = 'running';
    this.startedAt = Date.now();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.state = 'stopping';
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Live event streams never end by themselves: close them with the service.
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.server = undefined;
    this.state = 'stopped';
  }

  status(): ServiceStatus {
    return {
      state: this.state,
      endpoints: this.endpoint ? [this.endpoint] : [],
      active: this.sockets.size,
      total: this.total,
      ...(this.startedAt ? { startedAt: this.startedAt } : {}),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    try {
      if (!url.pathname.startsWith('/api/')) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw notAllowed(res, ['GET', 'HEAD'], req.method);
        await serveUi(url.pathname, res, req.method === 'HEAD');
        return;
      }
      const matching = this.routes.map((route) => ({ route, match: route.pattern.exec(url.pathname) })).filter((m) => m.match);
      if (matching.length === 0) {
        throw new HttpProblem(404, `no such endpoint ${url.pathname}; see /api/lab, /api/services, /api/conversations, /api/events, /api/mailboxes, /api/dns/zones, /api/explain`);
      }
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const chosen = matching.find((m) => m.route.method === method);
      if (!chosen?.match) throw notAllowed(res, [...new Set(matching.map((m) => m.route.method))], req.method);
      await chosen.route.handle(req, res, url, chosen.match.slice(1));
    } catch (err) {
      const status = err instanceof HttpProblem ? err.status : 500;
      if (status === 500) this.ctx.log.error(`${req.method} ${url.pathname}: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) sendJson(res, status, { error: (err as Error).message });
      else res.end();
    }
  }
}

/** 405 with the Allow header (RFC 9110 §15.5.6). */
function notAllowed(res: ServerResponse, allowed: string[], method: string | undefined): HttpProblem {
  res.setHeader('allow', allowed.join(', '));
  return new HttpProblem(405, `${method ?? '?'} is not allowed here; use ${allowed.join(' or ')}`);
}
