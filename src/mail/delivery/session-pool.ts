import type { SmtpClientSession } from './smtp-client/session.js';

/** Postfix's smtp_connection_cache_time_limit: an idle session is kept this long for the next message. */
const IDLE_MS = 2000;
/** Postfix's smtp_connection_reuse_time_limit: no session carries mail for longer than this. */
const MAX_AGE_MS = 300_000;

interface Idle {
  session: SmtpClientSession;
  timer: NodeJS.Timeout;
}

/**
 * Sessions that finished a transaction wait here a moment, so the next message to the same server
 * skips the connect, greeting, EHLO and TLS handshake (as Postfix's scache does). A session taken
 * back out is checked with RSET first.
 */
export class ConnectionCache {
  private readonly idle = new Map<string, Idle[]>();

  async take(key: string): Promise<SmtpClientSession | undefined> {
    for (let list = this.idle.get(key); list && list.length > 0; list = this.idle.get(key)) {
      const { session, timer } = list.pop()!;
      clearTimeout(timer);
      if (session.isOpen && (await session.reset())) return session;
    }
    return undefined;
  }

  release(key: string, session: SmtpClientSession): void {
    if (!session.isOpen) return;
    if (Date.now() - session.openedAt > MAX_AGE_MS) {
      void session.quit();
      return;
    }
    const entry: Idle = {
      session,
      timer: setTimeout(() => {
        this.drop(key, entry);
        void session.quit();
      }, IDLE_MS),
    };
    entry.timer.unref();
    this.idle.set(key, [...(this.idle.get(key) ?? []), entry]);
  }

  /** Says QUIT on every idle session (the agent is stopping). */
  async closeAll(): Promise<void> {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    for (const { timer } of all) clearTimeout(timer);
    await Promise.allSettled(all.map(({ session }) => session.quit()));
  }

  private drop(key: string, entry: Idle): void {
    const list = this.idle.get(key)?.filter((e) => e !== entry) ?? [];
    if (list.length === 0) this.idle.delete(key);
    else this.idle.set(key, list);
  }
}
