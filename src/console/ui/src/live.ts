import type { ApiTapEvent, ConversationSummary } from '../../api-types';
import { api } from './api';

const PAGE = 200;

/**
 * The conversations the console knows, newest first: pages fetched from the API as the list scrolls, and
 * kept current by the live tap (Server-Sent Events from /api/events). Views subscribe to changes.
 */
export class ConversationFeed {
  /** Newest first. */
  readonly rows: ConversationSummary[] = [];
  private readonly byId = new Map<string, ConversationSummary>();
  private total = 0;
  private loading: Promise<void> | undefined;
  private readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();
  private readonly eventListeners = new Set<(event: ApiTapEvent) => void>();
  private pending = new Set<string>();
  private flushScheduled = false;
  private source: EventSource | undefined;

  constructor(private readonly status: (text: string) => void) {}

  /** Everything the server holds, loaded or not. */
  get count(): number {
    return Math.max(this.total, this.rows.length);
  }

  get complete(): boolean {
    return this.rows.length >= this.total;
  }

  start(): void {
    const source = new EventSource('/api/events');
    this.source = source;
    source.onopen = () => this.status('live');
    source.onerror = () => this.status('reconnecting…');
    source.onmessage = (message: MessageEvent<string>) => this.apply(JSON.parse(message.data) as ApiTapEvent);
    void this.loadMore();
  }

  stop(): void {
    this.source?.close();
  }

  /** Fetches the next page (older conversations); the offset counts the live ones too, since the server lists them first. */
  loadMore(): Promise<void> {
    if (this.loading || (this.total > 0 && this.complete)) return this.loading ?? Promise.resolve();
    this.loading = this.fetchPage();
    return this.loading;
  }

  private async fetchPage(): Promise<void> {
    const changed = new Set<string>();
    try {
      const page = await api.conversations({ offset: this.rows.length, limit: PAGE });
      this.total = page.total;
      for (const item of page.items) {
        if (this.byId.has(item.id)) continue;
        this.byId.set(item.id, item);
        this.rows.push(item);
        changed.add(item.id);
      }
      this.rows.sort((a, b) => b.startedAt - a.startedAt);
    } catch (err) {
      // No notification: the list asks again when it is scrolled, not in a loop.
      this.status(`cannot load conversations: ${(err as Error).message}`);
      return;
    } finally {
      // Cleared before views hear of the new rows, so a view still at the end can ask for the next page at once.
      this.loading = undefined;
    }
    this.notify(changed);
  }

  get(id: string): ConversationSummary | undefined {
    return this.byId.get(id);
  }

  onChange(listener: (changed: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEvent(listener: (event: ApiTapEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private apply(event: ApiTapEvent): void {
    for (const listener of this.eventListeners) listener(event);
    if (event.type === 'open') {
      if (this.byId.has(event.conn)) return;
      const summary: ConversationSummary = {
        id: event.conn,
        service: event.service,
        kind: event.kind,
        host: event.host,
        transport: event.transport,
        client: `${event.client.address}:${event.client.port}`,
        server: `${event.server.address}:${event.server.port}`,
        startedAt: event.at,
        bytesFromClient: 0,
        bytesFromServer: 0,
        tls: false,
        closed: false,
      };
      this.byId.set(event.conn, summary);
      this.rows.unshift(summary);
      this.total += 1;
    } else {
      const summary = this.byId.get(event.conn);
      if (!summary) return;
      if (event.type === 'data') {
        const size = event.size + (event.omitted ?? 0);
        if (event.from === 'client') summary.bytesFromClient += size;
        else summary.bytesFromServer += size;
      } else if (event.type === 'tls') summary.tls = true;
      else if (event.type === 'note' && event.topic === 'user') summary.user = event.text;
      else if (event.type === 'note' && event.topic === 'error') summary.result = event.text;
      else if (event.type === 'close') {
        summary.closed = true;
        summary.endedAt = event.at;
        summary.result ??= event.reason;
      }
    }
    this.pending.add(event.conn);
    this.scheduleFlush();
  }

  /** Many events arrive in bursts: views repaint once per frame. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    requestAnimationFrame(() => {
      this.flushScheduled = false;
      const changed = this.pending;
      this.pending = new Set();
      this.notify(changed);
    });
  }

  private notify(changed: ReadonlySet<string>): void {
    for (const listener of this.listeners) listener(changed);
  }
}
