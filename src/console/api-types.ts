/**
 * The shapes of the console's JSON API, shared by the server and the web app (this file imports
 * nothing, so the browser build can use it). Documented for scripts and tests in the README's "Console".
 */

export type Side = 'client' | 'server';

export interface ApiEndpoint {
  address: string;
  port: number;
}

/** A conversation as lists show it: who talked to whom, when, how much, whether TLS, how it ended. */
export interface ConversationSummary {
  id: string;
  service: string;
  kind: string;
  host: string;
  transport: string;
  client: string;
  server: string;
  user?: string;
  startedAt: number;
  endedAt?: number;
  bytesFromClient: number;
  bytesFromServer: number;
  tls: boolean;
  closed: boolean;
  /** How it ended: the close reason, or the last error note. */
  result?: string;
}

export interface ConversationPage {
  total: number;
  offset: number;
  items: ConversationSummary[];
}

/** A tap event as JSON (what /api/events streams and /api/conversations/:id lists). */
export type ApiTapEvent =
  | { type: 'open'; conn: string; at: number; service: string; kind: string; host: string; transport: 'tcp' | 'udp'; client: ApiEndpoint; server: ApiEndpoint }
  | { type: 'data'; conn: string; at: number; from: Side; text?: string; b64?: string; size: number; secret?: boolean; omitted?: number }
  | { type: 'tls'; conn: string; at: number; protocol: string; cipher: string; servername?: string; certificate?: string }
  | { type: 'note'; conn: string; at: number; topic: 'state' | 'user' | 'message' | 'error' | 'info'; text: string }
  | { type: 'close'; conn: string; at: number; reason: string };

/** What a command, reply or header means, and where the RFC says so. */
export interface Explanation {
  /** The thing explained: `DATA`, `354`, `+OK`, `* EXISTS`, `NXDOMAIN`. */
  term: string;
  meaning: string;
  rfc: string;
}

/** One line of a step, with its explanation when the catalogue has one. */
export interface StepLine {
  text: string;
  explanation?: Explanation;
  /** A secret as an eavesdropper decodes it (AUTH PLAIN's base64 → `\0user\0password`). */
  decoded?: string;
}

/**
 * One arrow (or band, or note) of the sequence diagram. `view=eavesdropper` replaces what crossed inside
 * TLS by `encrypted` steps and shows secrets as they crossed the wire.
 */
export interface Step {
  index: number;
  at: number;
  kind: 'open' | 'data' | 'tls' | 'note' | 'close';
  from?: Side;
  /** The arrow's label: `EHLO client.example`, `250-st.um Hello…`, `message (312 bytes)`. */
  label: string;
  lines: StepLine[];
  /** Bytes on the wire for data steps (kept plus omitted). */
  size: number;
  secret?: boolean;
  /** Only TLS records are visible here (eavesdropper view after the handshake). */
  encrypted?: boolean;
}

export type TranscriptView = 'server' | 'eavesdropper';

export interface ConversationSteps {
  summary: ConversationSummary;
  view: TranscriptView;
  protocol: string;
  steps: Step[];
}

/** One entry of a protocol's explanation catalogue, as /api/explain lists it. */
export interface CatalogueEntry extends Explanation {
  /** Who sends it: the client (commands) or the server (replies, responses). */
  side: Side;
  syntax?: string;
}

export interface CatalogueListing {
  protocol: string;
  kinds: string[];
  entries: CatalogueEntry[];
}

export interface ServiceInfo {
  name: string;
  kind: string;
  host: string;
  summary: string;
  status: {
    state: string;
    endpoints: { address: string; port: number; transport: 'tcp' | 'udp'; tls?: 'implicit' }[];
    active: number;
    total: number;
    startedAt?: number;
    detail?: string;
  };
}

export interface ProbeOutcome {
  service: string;
  ok: boolean;
  ms: number;
  detail: string;
}

export interface MailboxInfo {
  address: string;
  folders: { name: string; messages: number; unseen: number }[];
}

export interface MessageSummary {
  uid: number;
  folder: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  internalDate: string;
  size: number;
  flags: string[];
}

export interface MessagePage {
  address: string;
  folder: string;
  total: number;
  offset: number;
  items: MessageSummary[];
}

export interface HeaderExplained {
  name: string;
  value: string;
  /** The value with RFC 2047 encoded words decoded. */
  decoded: string;
  explanation?: Explanation;
}

/** One hop of the path a message took, newest first as the Received fields stand. */
export interface Hop {
  from: string;
  by: string;
  with?: string;
  id?: string;
  date?: string;
  /** The conversations that carried the message on this hop, when still in the tap. */
  conversations: string[];
}

export interface MessageDetail extends MessageSummary {
  address: string;
  headers: HeaderExplained[];
  path: Hop[];
  /** The message as text (UTF-8, or latin1 when it is not valid UTF-8); the raw bytes are at …/raw. */
  source: string;
}

export interface DnsRecordRow {
  name: string;
  ttl: number;
  class: string;
  type: string;
  data: string;
}

export interface ZoneInfo {
  origin: string;
  source: string;
  primary?: string;
  secondaries: string[];
}

export interface ZoneListing extends ZoneInfo {
  server: string;
  records: DnsRecordRow[];
}

/** A DNS answer as dig and Wireshark show it. */
export interface DnsAnswer {
  server: string;
  transport: 'udp' | 'tcp';
  ms: number;
  header: { id: number; opcode: string; rcode: string; flags: string[]; qdcount: number; ancount: number; nscount: number; arcount: number };
  rcodeExplanation?: Explanation;
  question: { name: string; type: string; class: string }[];
  answer: DnsRecordRow[];
  authority: DnsRecordRow[];
  additional: DnsRecordRow[];
  /** `dig`'s output, line for line. */
  digText: string;
}

export interface ApiError {
  error: string;
}
