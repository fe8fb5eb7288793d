import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ListenEndpoint, Service, ServiceContext, ServiceState, ServiceStatus } from '../lab/service.js';
import { listenError } from '../net/listen-error.js';
import { conversationEvents, summarize } from './conversation-view.js';
import { streamEvents } from './events-stream.js';
import { HttpProblem, intParam, sendJson, wantsFlag, type Route } from './http-json.js';

/**
 * The lab's console service: the JSON API over the wire tap and the services (what `wirelab trace`
 * and `status` read), on loopback.
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
  private readonly routes: [RegExp, Route][];

  constructor(private readonly ctx: ServiceContext) {
    this.name = ctx.name;
    this.kind = ctx.kind;
    const { observe } = ctx;
    this.routes = [
      [/^\/api\/lab$/, (_req, res) => sendJson(res, 200, { startedAt: observe.startedAt, services: observe.services() })],
      [/^\/api\/services$/, (_req, res) => sendJson(res, 200, observe.services())],
      [
        /^\/api\/conversations$/,
        (_req, res, url) => {
          const limit = intParam(url, 'limit', 100, 1, 1000);
          const offset = intParam(url, 'offset', 0, 0, 10_000_000);
          const service = url.searchParams.get('service');
          const user = url.searchParams.get('user')?.toLowerCase();
          const all = observe.transcripts
            .list()
            .filter((c) => (!service || c.open.service === service || c.open.kind === service) && (!user || c.user?.toLowerCase() === user))
            .reverse();
          sendJson(res, 200, { total: all.length, offset, items: all.slice(offset, offset + limit).map(summarize) });
        },
      ],
      [
        /^\/api\/conversations\/([A-Za-z0-9-]+)$/,
        (_req, res, url, [id]) => {
          const conv = observe.transcripts.get(id!);
          if (!conv) throw new HttpProblem(404, `no conversation ${id} (it may have rotated out of memory)`);
          sendJson(res, 200, { ...summarize(conv), events: conversationEvents(conv, wantsFlag(url, 'showSecrets')) });
        },
      ],
      [
        /^\/api\/events$/,
        (_req, res, url) =>
          streamEvents(res, observe.transcripts, {
            showSecrets: wantsFlag(url, 'showSecrets'),
            ...optional('service', url.searchParams.get('service')),
            ...optional('host', url.searchParams.get('host')),
            ...optional('user', url.searchParams.get('user')),
          }),
      ],
    ];
  }

  async start(): Promise<void> {
    this.state = 'starting';
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.total += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(listenError(err as NodeJS.ErrnoException, this.ctx, 'tcp')));
      server.listen({ host: this.ctx.host.address, port: this.ctx.port, exclusive: true }, () => resolve());
    }).catch((err: unknown) => {
      this.state = 'failed';
      throw err;
    });
    const address = server.address();
    this.endpoint = { address: this.ctx.host.address, port: typeof address === 'object' && address ? address.port : this.ctx.port, transport: 'tcp' };
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
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        throw new HttpProblem(405, `${req.method ?? '?'} is not allowed here; the API is read-only (GET)`);
      }
      for (const [pattern, route] of this.routes) {
        const match = pattern.exec(url.pathname);
        if (match) {
          await route(req, res, url, match.slice(1));
          return;
        }
      }
      throw new HttpProblem(404, `no such endpoint ${url.pathname}; see /api/lab, /api/services, /api/conversations, /api/events`);
    } catch (err) {
      const status = err instanceof HttpProblem ? err.status : 500;
      if (!res.headersSent) sendJson(res, status, { error: (err as Error).message });
      else res.end();
    }
  }
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
