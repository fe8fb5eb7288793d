import { channel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import type { DataEvent, Endpoint, OpenEvent, Side, TapEvent, Transport } from './tap-events.js';

export * from './tap-events.js';

export const TAP_CHANNEL = 'wirelab:tap';
const tapChannel = channel(TAP_CHANNEL);

let counter = 0;
const epochOffset = Date.now() - performance.now();

function now(): number {
  return epochOffset + performance.now();
}

export function subscribeTap(listener: (event: TapEvent) => void): () => void {
  const handler = (message: unknown): void => listener(message as TapEvent);
  tapChannel.subscribe(handler);
  return () => tapChannel.unsubscribe(handler);
}

export interface ConversationInfo {
  service: string;
  kind: string;
  host: string;
  transport: Transport;
  client: Endpoint;
  server: Endpoint;
}

/** One conversation's handle on the tap: a server holds it for the life of a connection (or a UDP exchange). */
export class TapConversation {
  readonly id: string;
  private closed = false;

  constructor(info: ConversationInfo) {
    counter += 1;
    this.id = `${info.kind}-${counter.toString(36)}-${Date.now().toString(36).slice(-4)}`;
    const open: OpenEvent = { type: 'open', conn: this.id, at: now(), ...info };
    this.publish(open);
  }

  data(from: Side, bytes: Buffer, redacted?: string, omitted?: number): void {
    if (!tapChannel.hasSubscribers) return;
    const event: DataEvent = { type: 'data', conn: this.id, at: now(), from, bytes };
    if (redacted !== undefined) event.redacted = redacted;
    if (omitted !== undefined) event.omitted = omitted;
    this.publish(event);
  }

  tls(protocol: string, cipher: string, servername?: string, certificate?: string): void {
    this.publish({ type: 'tls', conn: this.id, at: now(), protocol, cipher, servername, certificate });
  }

  note(topic: 'state' | 'user' | 'message' | 'error' | 'info', text: string): void {
    this.publish({ type: 'note', conn: this.id, at: now(), topic, text });
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.publish({ type: 'close', conn: this.id, at: now(), reason });
  }

  private publish(event: TapEvent): void {
    if (tapChannel.hasSubscribers) tapChannel.publish(event);
  }
}
