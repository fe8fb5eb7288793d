import { createServer, type Server, type Socket } from 'node:net';
import type { ListenEndpoint, Service, ServiceContext, ServiceStatus, ServiceState } from '../lab/service.js';
import { listenTcp } from './listen-error.js';
import { secureServerSocket } from './secure-socket.js';
import { TapConversation } from './tap.js';

/** What a protocol does with one accepted connection; resolves when the conversation is over. */
export type ConnectionHandler = (socket: Socket, tap: TapConversation, shutdown: AbortSignal) => Promise<void>;

export interface TcpServiceOptions {
  /** `implicit`: the connection is TLS from the first byte (SMTPS, IMAPS, POP3S). */
  tls?: 'implicit';
  maxConnections?: number;
  /** How long `stop` lets conversations finish before closing them. */
  drainMs?: number;
  /** Said to a client refused because the service is full, before closing. */
  busyReply?: string;
}

/** A TCP listener with the service lifecycle: start, stop (drain then close), status. Protocols supply the handler. */
export class TcpService implements Service {
  readonly name: string;
  readonly kind: string;
  private server: Server | undefined;
  private state: ServiceState = 'stopped';
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<Promise<void>>();
  private total = 0;
  private startedAt: number | undefined;
  private endpoint: ListenEndpoint | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly handler: ConnectionHandler,
    private readonly options: TcpServiceOptions = {},
  ) {
    this.name = ctx.name;
    this.kind = ctx.kind;
    ctx.shutdown.addEventListener('abort', () => this.stopping.abort(), { once: true });
  }

  async start(): Promise<void> {
    this.state = 'starting';
    const server = createServer({ pauseOnConnect: false, noDelay: true }, (socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections ?? 500;
    const port = await listenTcp(server, this.ctx).catch((err: unknown) => {
      this.state = 'failed';
      throw err;
    });
    server.on('error', (err) => this.ctx.log.error(`listener error: ${err.message}`));
    this.server = server;
    this.endpoint = { address: this.ctx.host.address, port, transport: 'tcp', ...(this.options.tls ? { tls: this.options.tls } : {}) };
    this.state = 'running';
    this.startedAt = Date.now();
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.state = 'stopping';
    this.stopping.abort();
    const server = this.server;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const drained = Promise.allSettled([...this.sessions]);
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, this.options.drainMs ?? 10_000).unref());
    await Promise.race([drained, deadline]);
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

  private accept(raw: Socket): void {
    if (this.stopping.signal.aborted) {
      raw.destroy();
      return;
    }
    this.total += 1;
    raw.on('error', () => undefined);
    const tap = new TapConversation({
      service: this.name,
      kind: this.kind,
      host: this.ctx.host.name,
      transport: 'tcp',
      client: { address: stripMapped(raw.remoteAddress), port: raw.remotePort ?? 0 },
      server: { address: stripMapped(raw.localAddress), port: raw.localPort ?? 0 },
    });
    let socket: Socket = raw;
    if (this.options.tls === 'implicit') {
      const tlsOptions = this.ctx.tls(this.name);
      if (!tlsOptions) {
        tap.close('no TLS certificate for this service');
        raw.destroy();
        return;
      }
      socket = secureServerSocket(raw, tlsOptions);
      socket.on('error', () => undefined);
    }
    this.sockets.add(socket);
    const session = this.handler(socket, tap, this.stopping.signal)
      .catch((err: unknown) => {
        this.ctx.log.error(`${tap.id}: ${(err as Error).stack ?? String(err)}`);
        tap.note('error', `internal error: ${(err as Error).message}`);
      })
      .finally(() => {
        socket.destroy();
        tap.close('closed');
        this.sockets.delete(socket);
        this.sessions.delete(session);
      });
    this.sessions.add(session);
  }
}

/** Node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d; the tap and policies want a.b.c.d. */
export function stripMapped(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
