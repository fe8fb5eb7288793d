import type { Failure } from '../queue/delivery-state.js';
import { SessionPool } from './session-pool.js';
import type { NextHop } from './routes.js';
import { SessionFailure, SmtpClientSession } from './smtp-client/session.js';
import { runTransaction, type RecipientResult, type Transaction } from './smtp-client/transaction.js';

export interface RemoteTransportOptions {
  /** The lab host's address and name: where connections come from, and what EHLO says. */
  localAddress: string;
  helo: string;
  connectTimeoutMs: number;
  tap: { service: string; host: string };
  /** Set when the lab stops: no new server is tried, the transaction in flight finishes. */
  signal: AbortSignal;
  /** Sessions open at once to one destination (Postfix's default_destination_concurrency_limit). */
  connectionsPerDestination: number;
  /** Where the secrets of each TLS session go, when the lab keeps a key log. */
  keyLog?: (line: Buffer) => void;
}

/**
 * Delivery over SMTP to a list of next hops (the MX hosts in order, or the smarthost): each hop gets
 * the recipients no earlier hop took; a recipient refused for good (5yz) is final at once; one
 * refused for now (4yz) or left over when a session fails is tried at the next hop, and deferred when
 * none is left (as Postfix keeps soft-failed recipients for a backup MX).
 */
export class RemoteTransport {
  private readonly pool: SessionPool;

  constructor(private readonly options: RemoteTransportOptions) {
    this.pool = new SessionPool(options.connectionsPerDestination);
  }

  async deliver(hops: NextHop[], t: Transaction, note: string): Promise<RecipientResult[]> {
    const final = new Map<string, RecipientResult>();
    /** The latest temporary failure of each recipient not yet final. */
    const lastFailure = new Map<string, Failure>();
    let remaining = t.recipients;
    const failRemaining = (failure: Failure): void => {
      for (const address of remaining) lastFailure.set(address, failure);
    };
    for (const hop of hops) {
      if (remaining.length === 0 || this.options.signal.aborted) break;
      if (hop.port === undefined) {
        failRemaining({ status: '4.4.1', text: `connect to ${hop.name}[${hop.address}]: no SMTP service runs on lab host ${hop.labHost?.name ?? hop.address} now` });
        continue;
      }
      const key = `${hop.address}:${hop.port}:${hop.tls.mode}:${hop.auth?.user ?? ''}`;
      const port = hop.port;
      let session: SmtpClientSession;
      try {
        session = await this.pool.acquire(key, () => this.open(hop, port, note));
      } catch (err) {
        failRemaining(failureOf(err));
        continue;
      }
      session.note(`${note}: ${remaining.map((r) => `<${r}>`).join(', ')} via ${hop.found}`);
      try {
        const outcome = await runTransaction(session, { ...t, recipients: remaining });
        remaining = [];
        for (const result of outcome) {
          if (result.kind === 'failed' && result.temporary) {
            remaining.push(result.address);
            lastFailure.set(result.address, result.failure);
          } else {
            final.set(result.address, result);
          }
        }
        this.pool.release(key, session);
      } catch (err) {
        this.pool.discard(key, session, err instanceof Error ? err.message : 'failed');
        failRemaining(failureOf(err));
      }
    }
    const interrupted: Failure = { status: '4.3.2', text: 'delivery interrupted: the lab is stopping' };
    const unreachable: Failure = { status: '4.4.1', text: 'no mail server could be reached' };
    return t.recipients.map(
      (address): RecipientResult =>
        final.get(address) ?? {
          address,
          kind: 'failed',
          temporary: true,
          failure: lastFailure.get(address) ?? (this.options.signal.aborted ? interrupted : unreachable),
        },
    );
  }

  close(): Promise<void> {
    return this.pool.closeAll();
  }

  private async open(hop: NextHop, port: number, note: string): Promise<SmtpClientSession> {
    const session = await SmtpClientSession.open(
      {
        peer: { name: hop.name, address: hop.address, port },
        localAddress: this.options.localAddress,
        helo: this.options.helo,
        connectTimeoutMs: this.options.connectTimeoutMs,
        tls: hop.tls,
        tap: this.options.tap,
        keyLog: this.options.keyLog,
      },
      `${note}: connecting to ${hop.name}[${hop.address}]:${port} (${hop.found})`,
    );
    if (hop.auth) {
      try {
        await session.authenticate(hop.auth.user, hop.auth.password);
      } catch (err) {
        session.close(err instanceof Error ? err.message : 'AUTH failed');
        throw err;
      }
    }
    return session;
  }
}

function failureOf(err: unknown): Failure {
  if (err instanceof SessionFailure) {
    return { status: err.status.startsWith('5') ? `4${err.status.slice(1)}` : err.status, text: err.message, ...(err.reply ? { diagnostic: `smtp; ${err.reply.code} ${err.reply.lines.join(' ')}` } : {}) };
  }
  return { status: '4.3.0', text: err instanceof Error ? err.message : String(err) };
}
