import type { SmtpClientSession } from './smtp-client/session.js';

/** Postfix's smtp_connection_cache_time_limit: an idle session is kept this long for the next message. */
const IDLE_MS = 2000;
/** Postfix's smtp_connection_reuse_time_limit: no session carries mail for longer than this. */
const MAX_AGE_MS = 300_000;

interface Idle {
  session: SmtpClientSession;
  timer: NodeJS.Timeout;
}

interface Destination {
  idle: Idle[];
  /** Sessions open to this destination, idle or in use. */
  open: number;
  /** Deliveries waiting for a session: handed one as it is released, or told a slot freed up. */
  waiting: ((session: SmtpClientSession | undefined) => void)[];
}

/**
 * The sessions to each destination (server address, port, TLS mode, login): at most `limit` open at
 * once (Postfix's destination concurrency), handed from one delivery to the next as each transaction
 * ends, and kept a moment when nobody waits — so consecutive messages skip the connect, greeting,
 * EHLO and TLS handshake. A session that sat idle is checked with RSET before it carries mail again.
 */
export class SessionPool {
  private readonly destinations = new Map<string, Destination>();

  constructor(private readonly limit: number) {}

  async acquire(key: string, open: () => Promise<SmtpClientSession>): Promise<SmtpClientSession> {
    const d = this.destination(key);
    for (;;) {
      const idle = d.idle.pop();
      if (idle) {
        clearTimeout(idle.timer);
        if (idle.session.isOpen && (await idle.session.reset())) return idle.session;
        this.closed(key);
        continue;
      }
      if (d.open < this.limit) {
        d.open += 1;
        try {
          return await open();
        } catch (err) {
          this.closed(key);
          throw err;
        }
      }
      const handed = await new Promise<SmtpClientSession | undefined>((resolve) => d.waiting.push(resolve));
      if (handed) return handed;
    }
  }

  /** A session whose transaction ended: straight to a waiting delivery (it is in a clean state), else kept idle a moment. */
  release(key: string, session: SmtpClientSession): void {
    const d = this.destination(key);
    if (!session.isOpen || Date.now() - session.openedAt > MAX_AGE_MS) {
      void session.quit();
      this.closed(key);
      return;
    }
    const waiter = d.waiting.shift();
    if (waiter) {
      waiter(session);
      return;
    }
    const entry: Idle = {
      session,
      timer: setTimeout(() => {
        d.idle = d.idle.filter((e) => e !== entry);
        void session.quit();
        this.closed(key);
      }, IDLE_MS),
    };
    entry.timer.unref();
    d.idle.push(entry);
  }

  /** A session that failed: closed, and its slot given to whoever waits. */
  discard(key: string, session: SmtpClientSession, reason: string): void {
    session.close(reason);
    this.closed(key);
  }

  /** Says QUIT on every idle session (the agent is stopping). */
  async closeAll(): Promise<void> {
    const all = [...this.destinations.values()].flatMap((d) => d.idle.splice(0));
    for (const { timer } of all) clearTimeout(timer);
    await Promise.allSettled(all.map(({ session }) => session.quit()));
  }

  private destination(key: string): Destination {
    let d = this.destinations.get(key);
    if (!d) {
      d = { idle: [], open: 0, waiting: [] };
      this.destinations.set(key, d);
    }
    return d;
  }

  private closed(key: string): void {
    const d = this.destination(key);
    d.open = Math.max(0, d.open - 1);
    d.waiting.shift()?.(undefined);
  }
}
