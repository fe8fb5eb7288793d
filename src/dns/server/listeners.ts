import { channel } from 'node:diagnostics_channel';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIPv6, type Socket } from 'node:net';
import type { ServiceContext } from '../../lab/service.js';
import { TAP_CHANNEL, TapConversation } from '../../net/tap.js';
import { stripMapped } from '../../net/tcp-service.js';
import { FrameReader, frame } from '../wire/tcp-frames.js';
import { describeHeader, type DnsEngine } from './engine.js';
import type { Reply } from './request.js';

const tapChannel = channel(TAP_CHANNEL);

/** Closes a TCP connection that sends nothing for this long (RFC 7766 §6.2.3 suggests seconds, BIND 30 s). */
const TCP_IDLE_MS = 30_000;
/** Unanswered bytes a TCP client may have buffered: a bound on memory per connection. */
const TCP_MAX_PENDING = 2 * 65537;

function noteExchange(tap: TapConversation, query: Buffer, result: Reply): void {
  const header = result.messages[0] ? describeHeader(result.messages[0]) : 'no reply';
  tap.note('message', `${result.note} [${header}${result.messages.length > 1 ? `, ${result.messages.length} messages` : ''}; query ${describeHeader(query)}]`);
}

/**
 * How many UDP exchanges the tap records each second. Recording one costs far more than answering it
 * (five events, each kept and written as JSON), so a flood is counted, not recorded, beyond the budget:
 * the server keeps its speed and the transcript stays readable. One summary note per second says how
 * many went unrecorded.
 */
class TapBudget {
  private windowStart = 0;
  private used = 0;
  private skipped = 0;

  constructor(
    private readonly perSecond: number,
    private readonly reportSkipped: (count: number) => void,
  ) {}

  take(): boolean {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      if (this.skipped > 0) this.reportSkipped(this.skipped);
      this.windowStart = now;
      this.used = 0;
      this.skipped = 0;
    }
    if (this.used < this.perSecond) {
      this.used += 1;
      return true;
    }
    this.skipped += 1;
    return false;
  }
}

/**
 * The UDP side: a socket bound to the host's own address (CLIENT-NOTES: dig, kdig and dnspython drop a
 * reply from another address). Each datagram and its reply is one tap conversation — built only when
 * someone listens, so the hot path costs nothing extra otherwise.
 */
export class UdpListener {
  private socket: UdpSocket | undefined;
  private port = 0;
  total = 0;
  private readonly budget: TapBudget;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly engine: DnsEngine,
  ) {
    this.budget = new TapBudget(ctx.config.dns.tapExchangesPerSecond, (skipped) => {
      const tap = new TapConversation({
        service: ctx.name,
        kind: ctx.kind,
        host: ctx.host.name,
        transport: 'udp',
        client: { address: '', port: 0 },
        server: { address: ctx.host.address, port: this.port },
      });
      tap.note('info', `${skipped} more UDP exchanges in the last second were answered but not recorded (dns.tapExchangesPerSecond is ${ctx.config.dns.tapExchangesPerSecond})`);
      tap.close('summary');
    });
  }

  bind(port: number): Promise<number> {
    const socket = createSocket({ type: isIPv6(this.ctx.host.address) ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.ctx.host.address, port, exclusive: true }, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.ctx.log.warn(`udp: ${err.message}`));
        socket.on('message', (msg, rinfo) => this.receive(msg, rinfo.address, rinfo.port));
        this.socket = socket;
        this.port = socket.address().port;
        resolve(this.port);
      });
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    return new Promise((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
  }

  private receive(msg: Buffer, address: string, port: number): void {
    this.total += 1;
    const tap = tapChannel.hasSubscribers && this.budget.take()
      ? new TapConversation({
          service: this.ctx.name,
          kind: this.ctx.kind,
          host: this.ctx.host.name,
          transport: 'udp',
          client: { address, port },
          server: { address: this.ctx.host.address, port: this.port },
        })
      : undefined;
    tap?.data('client', msg);
    let result: Reply | Promise<Reply>;
    try {
      result = this.engine.handle(msg, { address, port, transport: 'udp' });
    } catch (err) {
      this.fail(tap, err);
      return;
    }
    if (result instanceof Promise) result.then((r) => this.send(r, msg, address, port, tap), (err: unknown) => this.fail(tap, err));
    else this.send(result, msg, address, port, tap);
  }

  private send(result: Reply, query: Buffer, address: string, port: number, tap: TapConversation | undefined): void {
    const socket = this.socket;
    for (const message of result.messages) {
      socket?.send(message, port, address);
      tap?.data('server', message);
    }
    if (tap) {
      noteExchange(tap, query, result);
      tap.close(result.messages.length > 0 ? 'answered' : 'dropped');
    }
  }

  private fail(tap: TapConversation | undefined, err: unknown): void {
    this.ctx.log.error(`udp: ${(err as Error).stack ?? String(err)}`);
    tap?.note('error', `internal error: ${(err as Error).message}`);
    tap?.close('internal error');
  }
}

/**
 * One TCP connection: length-framed messages (RFC 1035 §4.2.2), several per connection and pipelined,
 * answered in order (RFC 7766 §6.2.1), until the client closes, goes idle, or the lab stops.
 */
export function serveTcp(engine: DnsEngine, log: ServiceContext['log']) {
  return (socket: Socket, tap: TapConversation, shutdown: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      const reader = new FrameReader();
      const client = { address: stripMapped(socket.remoteAddress), port: socket.remotePort ?? 0, transport: 'tcp' as const };
      let queue = Promise.resolve();
      const end = (): void => {
        shutdown.removeEventListener('abort', end);
        void queue.then(() => {
          socket.end();
          resolve();
        });
      };
      shutdown.addEventListener('abort', end, { once: true });
      socket.setTimeout(TCP_IDLE_MS, end);
      socket.on('end', end);
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.on('data', (chunk: Buffer) => {
        tap.data('client', chunk);
        for (const message of reader.push(chunk)) {
          queue = queue.then(async () => {
            try {
              const result = await engine.handle(message, client);
              for (const out of result.messages) {
                const framed = frame(out);
                tap.data('server', framed);
                if (!socket.destroyed) socket.write(framed);
              }
              noteExchange(tap, message, result);
            } catch (err) {
              log.error(`tcp: ${(err as Error).stack ?? String(err)}`);
              tap.note('error', `internal error: ${(err as Error).message}`);
              socket.destroy();
            }
          });
        }
        if (reader.buffered > TCP_MAX_PENDING) {
          tap.note('error', 'too many unanswered bytes: closing');
          socket.destroy();
        }
      });
    });
}

