import { createWriteStream, mkdirSync, readdirSync, unlink, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { subscribeTap, type OpenEvent, type TapEvent } from './tap.js';

/** How long appended transcript lines may wait before they are written, and how many bytes make a write at once. */
const FLUSH_DELAY_MS = 200;
const FLUSH_BYTES = 256 * 1024;

/** A tap event as JSON: bytes become `text` (UTF-8) or `b64`; a secret shows only its redacted form unless asked. */
export type WireEvent =
  | (Exclude<TapEvent, { type: 'data' }> & { type: Exclude<TapEvent['type'], 'data'> })
  | {
      type: 'data';
      conn: string;
      at: number;
      from: 'client' | 'server';
      text?: string;
      b64?: string;
      size: number;
      secret?: boolean;
      omitted?: number;
    };

export function toWire(event: TapEvent, showSecrets: boolean): WireEvent {
  if (event.type !== 'data') return event;
  const out: WireEvent = { type: 'data', conn: event.conn, at: event.at, from: event.from, size: event.bytes.length };
  if (event.omitted) out.omitted = event.omitted;
  if (event.redacted !== undefined && !showSecrets) {
    out.text = event.redacted;
    out.secret = true;
    return out;
  }
  if (event.redacted !== undefined) out.secret = true;
  const text = event.bytes.toString('utf8');
  if (Buffer.byteLength(text) === event.bytes.length && !text.includes('\uFFFD')) out.text = text;
  else out.b64 = event.bytes.toString('base64');
  return out;
}

/**
 * What one kept event costs in memory besides its bytes (the object, its fields, the array slot), counted
 * against `maxBytesPerConversation` so that a client sending a million one-byte lines is bounded too.
 */
export const EVENT_OVERHEAD_BYTES = 160;

export interface Conversation {
  open: OpenEvent;
  events: TapEvent[];
  /** Bytes kept plus EVENT_OVERHEAD_BYTES per kept event. */
  keptBytes: number;
  user?: string;
  closed: boolean;
  /** Events past the conversation's memory budget: counted, not kept (the close event is always kept). */
  dropped?: { events: number; client: number; server: number };
}

/** What a conversation's transcript says about the events past its budget. */
export function droppedSummary(dropped: NonNullable<Conversation['dropped']>): string {
  const { events, client, server } = dropped;
  return `${events} later events (${client + server} bytes) were counted but not kept: the tap's memory budget for one conversation (tap.maxBytesPerConversation) was spent`;
}

export interface TranscriptStoreOptions {
  maxConversations: number;
  maxBytesPerConversation: number;
  /** All conversations together (bytes and per-event overhead); past it the oldest go first. Default: no bound but the other two. */
  maxBytes?: number;
  /** Where redacted transcripts are appended as JSON lines; omit to keep them in memory only. */
  directory?: string;
  /** Rotate the on-disk file after this many bytes (default 32 MiB). */
  rotateBytes?: number;
  /** Transcript files kept on disk, the newest; older ones are deleted at rotation (default 8). */
  maxFiles?: number;
}

/**
 * Keeps the most recent conversations in memory — at most `maxConversations`, each at most
 * `maxBytesPerConversation` of bytes and per-event overhead, all of them at most `maxBytes` — and appends the events it keeps, secrets
 * redacted, to JSON-lines files in the data directory, keeping the newest `maxFiles` of `rotateBytes` each.
 * Live listeners get every event.
 */
export class TranscriptStore {
  private readonly conversations = new Map<string, Conversation>();
  /** keptBytes summed over the conversations in memory. */
  private totalBytes = 0;
  private readonly listeners = new Set<(event: TapEvent) => void>();
  private readonly unsubscribe: () => void;
  private file: WriteStream | undefined;
  private fileBytes = 0;
  private fileIndex = 0;
  /** Transcript files on disk, oldest first, each with a promise that it is closed (so it can be deleted). */
  private readonly files: { path: string; closed: Promise<unknown> }[] = [];

  constructor(private readonly options: TranscriptStoreOptions) {
    if (options.directory) {
      mkdirSync(options.directory, { recursive: true });
      const earlier = readdirSync(options.directory).filter((n) => /^transcript-.*\.jsonl$/.test(n)).sort();
      for (const name of earlier) this.files.push({ path: join(options.directory, name), closed: Promise.resolve() });
    }
    this.unsubscribe = subscribeTap((event) => this.record(event));
  }

  list(): Conversation[] {
    return [...this.conversations.values()];
  }

  get(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  listen(listener: (event: TapEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.listeners.clear();
    this.flushPending();
    const file = this.file;
    this.file = undefined;
    if (file) await new Promise<void>((resolve) => file.end(resolve));
  }

  private record(event: TapEvent): void {
    const kept = this.keep(event);
    // On disk as in memory, what is past a conversation's budget is counted, not written: a line per
    // FETCH or RETR cost more CPU than serving it. The count goes to disk when the conversation closes.
    if (kept?.type === 'close') this.appendDropped(kept);
    if (kept) this.append(kept);
    for (const listener of this.listeners) listener(kept ?? event);
  }

  private appendDropped(close: Extract<TapEvent, { type: 'close' }>): void {
    const dropped = this.conversations.get(close.conn)?.dropped;
    if (dropped) this.append({ type: 'note', conn: close.conn, at: close.at, topic: 'info', text: droppedSummary(dropped) });
  }

  /** The event as stored (a data event cut to the budget), or undefined when the budget is spent. */
  private keep(event: TapEvent): TapEvent | undefined {
    if (event.type === 'open') {
      this.conversations.set(event.conn, { open: event, events: [event], keptBytes: EVENT_OVERHEAD_BYTES, closed: false });
      this.totalBytes += EVENT_OVERHEAD_BYTES;
      this.evictBeyondBounds(event.conn);
      return event;
    }
    const conv = this.conversations.get(event.conn);
    // A conversation evicted while still open: its bytes are not kept any more, on disk neither.
    if (!conv) return event.type === 'data' ? undefined : event;
    if (event.type === 'note' && event.topic === 'user') conv.user = event.text;
    if (event.type === 'close') conv.closed = true;
    const room = this.options.maxBytesPerConversation - conv.keptBytes - EVENT_OVERHEAD_BYTES;
    if (room < 0 && event.type !== 'close') {
      conv.dropped ??= { events: 0, client: 0, server: 0 };
      conv.dropped.events += 1;
      if (event.type === 'data') conv.dropped[event.from] += event.bytes.length + (event.omitted ?? 0);
      return undefined;
    }
    let kept: TapEvent = event;
    // What is kept is copied: a server may reuse the memory it wrote from (OutputArena), and a few
    // bytes kept must not hold on to the large buffer they were cut from.
    if (event.type === 'data') {
      const fits = Math.max(0, Math.min(room, event.bytes.length));
      kept = { ...event, bytes: Buffer.from(event.bytes.subarray(0, fits)) };
      if (fits < event.bytes.length) kept.omitted = event.bytes.length - fits + (event.omitted ?? 0);
    }
    const added = EVENT_OVERHEAD_BYTES + (kept.type === 'data' ? kept.bytes.length : 0);
    conv.keptBytes += added;
    this.totalBytes += added;
    conv.events.push(kept);
    this.evictBeyondBounds(event.conn);
    return kept;
  }

  /** Drops the oldest conversations (never `current`) while there are too many or they hold too much. */
  private evictBeyondBounds(current: string): void {
    const maxBytes = this.options.maxBytes ?? Infinity;
    while (this.conversations.size > this.options.maxConversations || (this.totalBytes > maxBytes && this.conversations.size > 1)) {
      let victim: string | undefined;
      for (const id of this.conversations.keys()) {
        if (id !== current) {
          victim = id;
          break;
        }
      }
      if (victim === undefined) return;
      this.totalBytes -= this.conversations.get(victim)!.keptBytes;
      this.conversations.delete(victim);
    }
  }

  private pending: string[] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  private append(event: TapEvent): void {
    const dir = this.options.directory;
    if (!dir) return;
    const line = `${JSON.stringify(toWire(event, false))}\n`;
    const rotateAt = this.options.rotateBytes ?? 32 * 1024 * 1024;
    if (!this.file || this.fileBytes + line.length > rotateAt) {
      this.flushPending();
      this.file?.end();
      this.fileIndex += 1;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const path = join(dir, `transcript-${stamp}-${String(this.fileIndex).padStart(6, '0')}.jsonl`);
      const file = createWriteStream(path, { flags: 'a', mode: 0o600 });
      file.on('error', () => {
        // A full disk must not stop the lab: the in-memory transcript goes on.
        if (this.file === file) this.file = undefined;
      });
      this.files.push({ path, closed: once(file, 'close').catch(() => undefined) });
      this.file = file;
      this.fileBytes = 0;
      this.pruneFiles();
    }
    this.fileBytes += line.length;
    // Written in batches, a few times a second or every FLUSH_BYTES: a busy DNS server turns its event
    // loop thousands of times a second, and a write per turn cost more than the answers. A crash loses
    // at most the last FLUSH_DELAY_MS of transcript, never mail.
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flushPending();
    else this.flushTimer ??= setTimeout(() => this.flushPending(), FLUSH_DELAY_MS);
  }

  private flushPending(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    this.file?.write(text);
  }

  /** Deletes all but the newest `maxFiles` transcript files, each once its stream has closed. */
  private pruneFiles(): void {
    while (this.files.length > (this.options.maxFiles ?? 8)) {
      const oldest = this.files.shift();
      if (oldest) void oldest.closed.then(() => unlink(oldest.path, () => undefined));
    }
  }
}
