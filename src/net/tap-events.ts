/**
 * The wire tap's event catalogue. Servers publish these on the `wirelab:tap` diagnostics channel;
 * the transcript store, `wirelab trace`, the console and the pcap writer subscribe. Servers never import UI code.
 */
export interface Endpoint {
  address: string;
  port: number;
}

export type Transport = 'tcp' | 'udp';
export type Side = 'client' | 'server';

interface Base {
  /** Conversation id, unique within the lab process. */
  conn: string;
  /** Milliseconds since the epoch, with sub-millisecond precision where available. */
  at: number;
}

export interface OpenEvent extends Base {
  type: 'open';
  service: string;
  kind: string;
  host: string;
  transport: Transport;
  client: Endpoint;
  server: Endpoint;
}

export interface DataEvent extends Base {
  type: 'data';
  from: Side;
  /** The bytes as they crossed the application layer (inside TLS when TLS is on). */
  bytes: Buffer;
  /** Present when the bytes hold a secret (a password, an AUTH response): what to show instead. */
  redacted?: string;
  /** Bytes seen but not kept, when a large block was cut to the tap's limit. */
  omitted?: number;
}

export interface TlsEvent extends Base {
  type: 'tls';
  protocol: string;
  cipher: string;
  servername?: string;
  /** The subject alternative names of the certificate the server presented. */
  certificate?: string;
}

export interface NoteEvent extends Base {
  type: 'note';
  /** `state` for protocol state changes, `user` for a successful login, `message` for an accepted message, … */
  topic: 'state' | 'user' | 'message' | 'error' | 'info';
  text: string;
}

export interface CloseEvent extends Base {
  type: 'close';
  reason: string;
}

export type TapEvent = OpenEvent | DataEvent | TlsEvent | NoteEvent | CloseEvent;
