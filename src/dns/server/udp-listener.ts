import { channel } from 'node:diagnostics_channel';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ServiceContext } from '../../lab/service.js';
import { TAP_CHANNEL, TapConversation } from '../../net/tap.js';
import type { DnsEngine } from './engine.js';
import { noteExchange } from './exchange-note.js';
import { TapBudget } from './tap-budget.js';
import type { Reply } from './request.js';

const tapChannel = channel(TAP_CHANNEL);

/**
 * The UDP side: a socket bound to the host's own address (CLIENT-NOTES: dig, kdig and dnspython drop a
 * reply from another address). Each datagram and its reply is one tap conversation — built only when
 * someone listens and within the tap budget, so the hot path costs nothing extra otherwise.
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
    const family = isIPv6(this.ctx.host.address) ? 6 : 4;
    const socket = createSocket({
      type: family === 6 ? 'udp6' : 'udp4',
      recvBufferSize: 4 * 1024 * 1024,
      // Replies go to the address a query came from, always an IP of the socket's family: skip dgram's
      // DNS lookup (and its deferral to the next tick), and the address check, on every send.
      lookup: (address, _options, callback) => callback(null, address, family),
    });
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
    const recorded = tapChannel.hasSubscribers && this.budget.take();
    if (!recorded) {
      const known = this.engine.answerKnown(msg, { address, port, transport: 'udp' });
      if (known) {
        this.socket?.send(known, port, address);
        return;
      }
    }
    const tap = recorded
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
