import { setMaxListeners } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import { Directory } from '../directory/directory.js';
import { isLoopback } from '../net/cidr.js';
import { TranscriptStore } from '../net/transcripts.js';
import { TlsKeyLog } from '../pki/key-log.js';
import { createLabTls } from '../pki/lab-tls.js';
import { demoConfig, findHost, type LabConfig } from './config.js';
import { DataDir } from './data-dir.js';
import { WirelabError } from './errors.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { defaultPortOffset } from './ports.js';
import { unreachableHosts } from './host-addresses.js';
import type { LabObservation, ListenEndpoint, PeerEndpoint, Service, ServiceDefinition, ServiceStatus, TlsProvider } from './service.js';
import { findDefinition } from './services.js';

export interface StartLabOptions {
  config?: LabConfig;
  /** Overrides the config's data directory; default `./wirelab-data`. */
  dataDir?: string;
  /** Overrides the config's port offset. */
  portOffset?: number;
  /** Every service on a free port chosen by the OS (for tests running side by side). */
  ephemeralPorts?: boolean;
  logLevel?: LogLevel;
  logger?: Logger;
  /** TLS settings per service; without it, the lab CA under the data directory provides them. */
  tls?: TlsProvider;
  /** Appends the secrets of every TLS session the lab's servers take part in to this file (SSLKEYLOGFILE format). */
  tlsKeyLogFile?: string;
}

export interface RunningService {
  name: string;
  kind: string;
  host: string;
  address: string;
  summary: string;
  endpoints: ListenEndpoint[];
  status(): ServiceStatus;
}

export interface Lab {
  config: LabConfig;
  dataDir: DataDir;
  directory: Directory;
  transcripts: TranscriptStore;
  services: RunningService[];
  /** The first TCP endpoint of a service, e.g. `lab.endpoint('smtp')` → { address: '127.0.0.1', port: 10025 }. */
  endpoint(name: string): { address: string; port: number };
  stop(): Promise<void>;
}

/** What `wirelab status`, `test` and `trace` read to find a running lab. */
export interface LabRunFile {
  pid: number;
  startedAt: string;
  dataDir: string;
  services: { name: string; kind: string; host: string; endpoints: ListenEndpoint[] }[];
}

/** Starts every enabled service of the config; resolves once all listen. Used by `wirelab up` and by tests. */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const config = options.config ?? demoConfig();
  const log = options.logger ?? createLogger(options.logLevel ?? 'info');
  const dataDir = new DataDir(options.dataDir ?? config.dataDir ?? './wirelab-data');
  dataDir.prepare();
  const offset = options.portOffset ?? config.portOffset ?? defaultPortOffset();

  const directory = new Directory(dataDir.usersFile);
  await directory.seed(config.users);
  await refuseDemoPasswordsBeyondLoopback(config, directory);
  const keyLog = options.tlsKeyLogFile === undefined ? undefined : TlsKeyLog.open(options.tlsKeyLogFile);
  if (keyLog) log.warn(`writing the secrets of every TLS session to ${keyLog.path}: with it, anyone who has a capture reads the sessions`);
  let tls: TlsProvider;
  try {
    tls = options.tls ?? (await createLabTls(config, dataDir, log.child('pki'), keyLog?.write));
  } catch (err) {
    await keyLog?.close();
    throw err;
  }

  const transcripts = new TranscriptStore({
    maxConversations: config.tap.maxConversations,
    maxBytesPerConversation: config.tap.maxBytesPerConversation,
    maxBytes: config.tap.maxBytes,
    directory: dataDir.tap,
  });
  const shutdown = new AbortController();
  // Every service listens for the shutdown (the demo runs more than Node's default warning limit of 10).
  setMaxListeners(0, shutdown.signal);
  const started: { service: Service; definition: ServiceDefinition; host: string; address: string }[] = [];

  const stopAll = async (): Promise<void> => {
    shutdown.abort();
    await Promise.allSettled(started.map((s) => s.service.stop()));
    await transcripts.close();
    await keyLog?.close();
    await rm(dataDir.labFile, { force: true });
  };

  const peers = (filter: { name?: string; kind?: string; address?: string } = {}): PeerEndpoint[] =>
    started.flatMap(({ service, host, address }) =>
      (filter.name === undefined || filter.name === service.name) &&
      (filter.kind === undefined || filter.kind === service.kind) &&
      (filter.address === undefined || filter.address === address)
        ? service.status().endpoints.map((e) => ({ ...e, name: service.name, kind: service.kind, host }))
        : [],
    );

  const observe: LabObservation = {
    transcripts,
    startedAt: Date.now(),
    services: () =>
      started.map(({ service, definition, host }) => ({
        name: service.name,
        kind: service.kind,
        host,
        summary: definition.summary,
        status: service.status(),
      })),
  };

  const missing = await unreachableHosts(config.hosts.filter((h) => Object.values(config.services).some((s) => s.enabled && findHost(config, s.host) === h)));
  if (missing.length > 0) {
    log.warn(
      `this machine cannot use ${missing.map((h) => `${h.address} (${h.name})`).join(', ')}: running single-host, without their services. ` +
        `On macOS add the addresses with \`sudo ifconfig lo0 alias ADDRESS\`.`,
    );
  }

  try {
    for (const [name, serviceConfig] of Object.entries(config.services)) {
      if (!serviceConfig.enabled) continue;
      if (missing.some((h) => h === findHost(config, serviceConfig.host))) continue;
      const kind = serviceConfig.kind ?? name;
      const definition = findDefinition(kind);
      if (!definition) throw new WirelabError('CONFIG_INVALID', `services.${name}: unknown kind "${kind}"`);
      const host = findHost(config, serviceConfig.host)!;
      const port = options.ephemeralPorts ? 0 : (serviceConfig.port ?? definition.standardPort + offset);
      const service = definition.create({
        name,
        kind,
        config,
        service: serviceConfig,
        host,
        port,
        directory,
        dataDir,
        log: log.child(name),
        tls,
        tlsKeyLog: keyLog?.write,
        shutdown: shutdown.signal,
        peers,
        observe,
      });
      await service.start();
      started.push({ service, definition, host: host.name, address: host.address });
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  const services: RunningService[] = started.map(({ service, definition, host, address }) => ({
    name: service.name,
    kind: service.kind,
    host,
    address,
    summary: definition.summary,
    endpoints: service.status().endpoints,
    status: () => service.status(),
  }));

  const runFile: LabRunFile = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    dataDir: dataDir.root,
    services: services.map((s) => ({ name: s.name, kind: s.kind, host: s.host, endpoints: s.endpoints })),
  };
  await writeFile(dataDir.labFile, `${JSON.stringify(runFile, null, 2)}\n`);

  let stopping: Promise<void> | undefined;
  return {
    config,
    dataDir,
    directory,
    transcripts,
    services,
    endpoint(name) {
      const service = services.find((s) => s.name === name);
      const endpoint = service?.endpoints.find((e) => e.transport === 'tcp') ?? service?.endpoints[0];
      if (!endpoint) throw new WirelabError('BAD_ARGUMENT', `no running service named ${name}`);
      return { address: endpoint.address, port: endpoint.port };
    },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

async function refuseDemoPasswordsBeyondLoopback(config: LabConfig, directory: Directory): Promise<void> {
  const exposed = config.hosts.filter(
    (h) => !isLoopback(h.address) && Object.values(config.services).some((s) => s.enabled && findHost(config, s.host) === h),
  );
  if (exposed.length === 0) return;
  const demo = await directory.usersWithDemoPassword();
  if (demo.length === 0) return;
  throw new WirelabError(
    'NOT_LOOPBACK_WITH_DEMO_PASSWORD',
    `refusing to listen on ${exposed.map((h) => h.address).join(', ')}: ${demo.join(', ')} still ${demo.length > 1 ? 'have' : 'has'} the demo password. ` +
      `Change it with \`wirelab users passwd ADDRESS\` (or remove the account with \`wirelab users del ADDRESS\`), or keep the lab on loopback.`,
  );
}
