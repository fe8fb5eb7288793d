import type { Socket } from 'node:net';
import type { ServiceContext } from '../../lab/service.js';
import type { TapConversation } from '../../net/tap.js';
import { stripMapped, type ConnectionHandler } from '../../net/tcp-service.js';
import { FrameReader, frame } from '../wire/tcp-frames.js';
import type { DnsEngine } from './engine.js';
import { noteExchange } from './exchange-note.js';

/** Closes a TCP connection that sends nothing for this long (RFC 7766 §6.2.3 suggests seconds, BIND 30 s). */
const TCP_IDLE_MS = 30_000;
/** Unanswered bytes a TCP client may have buffered: a bound on memory per connection. */
const TCP_MAX_PENDING = 2 * 65537;

/**
 * One TCP connection: length-framed messages (RFC 1035 §4.2.2), several per connection and pipelined,
 * answered in order (RFC 7766 §6.2.1), until the client closes, goes idle, or the lab stops.
 */
export function serveTcp(engine: DnsEngine, log: ServiceContext['log']): ConnectionHandler {
  return (socket: Socket, tap: TapConversation, shutdown: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      const reader = new FrameReader();
      const client = { address: stripMapped(socket.remoteAddress), port: socket.remotePort ?? 0, transport: 'tcp' as const };
      let queue = Promise.resolve();
      const end = (): void => {
        shutdown.removeEventListener('abort', end);
        // Answers still queued are written first; resolve once they are flushed (the caller destroys the socket).
        void queue.then(() => socket.end(() => resolve()));
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

