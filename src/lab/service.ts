import type { Directory } from '../directory/directory.js';
import type { ServerTlsOptions } from '../net/secure-socket.js';
import type { TranscriptStore } from '../net/transcripts.js';
import type { HostConfig, LabConfig, ServiceConfig } from './config.js';
import type { DataDir } from './data-dir.js';
import type { Logger } from './logger.js';

export type ServiceState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface ListenEndpoint {
  address: string;
  port: number;
  transport: 'tcp' | 'udp';
  /** `implicit`: TLS from the first byte (465, 993, 995). */
  tls?: 'implicit';
}

export interface ServiceStatus {
  state: ServiceState;
  endpoints: ListenEndpoint[];
  /** Conversations open right now. */
  active: number;
  /** Conversations since start. */
  total: number;
  startedAt?: number;
  detail?: string;
}

export interface ProbeTarget {
  address: string;
  port: number;
  hostName: string;
}

export interface ProbeResult {
  ok: boolean;
  ms: number;
  detail: string;
}

/** Another running service's listening endpoint, as other services and probes see it. */
export interface PeerEndpoint extends ListenEndpoint {
  name: string;
  kind: string;
  host: string;
}

/** Hands a service the TLS settings for the names it answers to; absent until the lab has a CA. */
export type TlsProvider = (serviceName: string) => ServerTlsOptions | undefined;

/** What the lab gives a service, and all a service may reach: its slice of config and the shared pieces. */
export interface ServiceContext {
  /** The instance name (the key in `services`). */
  name: string;
  kind: string;
  config: LabConfig;
  service: ServiceConfig;
  host: HostConfig;
  /** The port to bind (0 = any free port). */
  port: number;
  directory: Directory;
  dataDir: DataDir;
  log: Logger;
  tls: TlsProvider;
  /**
   * The lab's TLS key log when the user keeps one (`--tls-key-log`), for TLS sessions the service opens
   * as a client (the delivery agents); servers get it with their TLS options.
   */
  tlsKeyLog?: (line: Buffer) => void;
  /** Aborted when the lab begins to stop: finish what is in flight, refuse what is new. */
  shutdown: AbortSignal;
  /**
   * The endpoints of the lab's services that are listening now, filtered (a secondary DNS finds its
   * primary, the delivery agent finds a lab host's SMTP port). Ports are known only once a service listens.
   */
  peers(filter?: { name?: string; kind?: string; address?: string }): PeerEndpoint[];
  /** What the lab observes, for the console: the tap's transcripts and every service's status. */
  observe: LabObservation;
}

export interface ServiceReport {
  name: string;
  kind: string;
  host: string;
  summary: string;
  status: ServiceStatus;
}

export interface LabObservation {
  transcripts: TranscriptStore;
  services(): ServiceReport[];
  startedAt: number;
}

/** The one lifecycle every service has. */
export interface Service {
  readonly name: string;
  readonly kind: string;
  start(): Promise<void>;
  /** Drain (let transactions in flight finish, refuse new ones), then close. */
  stop(): Promise<void>;
  status(): ServiceStatus;
}

/** What a service folder exports: how to make one, its standard port, and how a client checks it is alive. */
export interface ServiceDefinition {
  kind: string;
  /** A line for `wirelab status` and the console. */
  summary: string;
  standardPort: number;
  transport: 'tcp' | 'udp' | 'tcp+udp';
  create(ctx: ServiceContext): Service;
  /** Connects as a client would and checks the greeting or answer (the seed's "Test services"). */
  probe(target: ProbeTarget): Promise<ProbeResult>;
}
