import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { subscribeTap, type OpenEvent, type TapEvent } from './tap.js';

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

export interface Conversation {
  open: OpenEvent;
  events: TapEvent[];
  keptBytes: number;
  user?: string;
  closed: boolean;
}

export interface TranscriptStoreOptions {
  maxConversations: number;
  maxBytesPerConversation: number;
  /** Where redacted transcripts are appended as JSON lines; omit to keep them in memory only. */
  directory?: string;
  /** Rotate the on-disk file after this many bytes. */
  rotateBytes?: number;
}

/**
 * Keeps the most recent conversations in memory (bounded in count and in bytes per conversation)
 * and appends every event, secrets redacted, to the data directory. Live listeners get every event.
 */
export class TranscriptStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly listeners = new Set<(event: TapEvent) => void>();
  private readonly unsubscribe: () => void;
  private file: WriteStream | undefined;
  private fileBytes = 0;
  private fileIndex = 0;

  constructor(private readonly options: TranscriptStoreOptions) {
    if (options.directory) mkdirSync(options.directory, { recursive: true });
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
    const file = this.file;
    this.file = undefined;
    if (file) await new Promise<void>((resolve) => file.end(resolve));
  }

  private record(event: TapEvent): void {
    const stored = this.keep(event);
    if (stored) {
      this.append(stored);
      for (const listener of this.listeners) listener(stored);
    }
  }

  private keep(event: TapEvent): TapEvent | undefined {
    if (event.type === 'open') {
      this.conversations.set(event.conn, { open: event, events: [event], keptBytes: 0, closed: false });
      while (this.conversations.size > this.options.maxConversations) {
        const oldest = this.conversations.keys().next().value;
        if (oldest === undefined) break;
        this.conversations.delete(oldest);
      }
      return event;
    }
    const conv = this.conversations.get(event.conn);
    if (!conv) return event;
    let kept: TapEvent = event;
    if (event.type === 'data') {
      const room = Math.max(0, this.options.maxBytesPerConversation - conv.keptBytes);
      if (event.bytes.length > room) {
        kept = { ...event, bytes: event.bytes.subarray(0, room), omitted: event.bytes.length - room + (event.omitted ?? 0) };
      }
      conv.keptBytes += Math.min(room, event.bytes.length);
    }
    if (event.type === 'note' && event.topic === 'user') conv.user = event.text;
    if (event.type === 'close') conv.closed = true;
    conv.events.push(kept);
    return kept;
  }

  private append(event: TapEvent): void {
    const dir = this.options.directory;
    if (!dir) return;
    const line = `${JSON.stringify(toWire(event, false))}\n`;
    const rotateAt = this.options.rotateBytes ?? 64 * 1024 * 1024;
    if (!this.file || this.fileBytes + line.length > rotateAt) {
      this.file?.end();
      this.fileIndex += 1;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      this.file = createWriteStream(join(dir, `transcript-${stamp}-${this.fileIndex}.jsonl`), { flags: 'a', mode: 0o600 });
      this.file.on('error', () => {
        // A full disk must not stop the lab: the in-memory transcript goes on.
        this.file = undefined;
      });
      this.fileBytes = 0;
    }
    this.fileBytes += line.length;
    this.file.write(line);
  }
}
