import { createSecureContext, type SecureContext, type TlsOptions } from 'node:tls';
import { findHost, type HostConfig, type LabConfig } from '../lab/config.js';
import type { DataDir } from '../lab/data-dir.js';
import { WirelabError } from '../lab/errors.js';
import type { Logger } from '../lab/logger.js';
import type { TlsProvider } from '../lab/service.js';
import { hostCertificateNames } from './certificate-names.js';
import { ensureCredentials, type Credentials } from './credentials.js';
import { LabAuthority } from './lab-authority.js';
import { PkiPaths } from './pki-paths.js';
import { serverContextOptions } from './tls-policy.js';

export interface LabCertificates {
  authority: LabAuthority;
  paths: PkiPaths;
  /** Keyed by lower-case host name. */
  hosts: Map<string, Credentials>;
}

/**
 * Makes sure the CA exists and every host of the lab has a current certificate for all its names:
 * what `wirelab up` does before services start, and what `wirelab certs` does before it answers.
 */
export async function prepareLabCertificates(config: LabConfig, dataDir: DataDir, log: Logger): Promise<LabCertificates> {
  const paths = new PkiPaths(dataDir);
  const labName = config.domains[0]?.name ?? 'wirelab';
  try {
    const { authority, created } = await LabAuthority.open(paths, config.pki, labName);
    if (created) log.info(`created the lab CA "${authority.subject}" in ${paths.caCert}`);
    const hosts = new Map<string, Credentials>();
    for (const host of config.hosts) {
      hosts.set(host.name.toLowerCase(), await ensureHostCredentials(authority, paths, host, config, log));
    }
    return { authority, paths, hosts };
  } catch (err) {
    throw new WirelabError(
      'DATA_DIR',
      `cannot use the lab CA in ${paths.root}: ${(err as Error).message}. ` +
        `If ca.pem or ca-key.pem there is damaged, remove both to make a new CA (clients must then trust the new one: \`wirelab certs export-ca\`).`,
    );
  }
}

function ensureHostCredentials(authority: LabAuthority, paths: PkiPaths, host: HostConfig, config: LabConfig, log: Logger, now = Date.now()): Promise<Credentials> {
  return ensureCredentials(authority, { cert: paths.hostCert(host.name), key: paths.hostKey(host.name) }, hostCertificateNames(host), config.pki, log, now);
}

interface HostTls {
  credentials: Credentials;
  context: SecureContext;
  options: TlsOptions;
  renewing?: Promise<void>;
}

/**
 * The one place services get TLS from (SMTP, POP3, IMAP now; LDAPS, HTTPS, FTPS later): the TLS
 * options for a service are its host's certificate under the lab policy, with SNI choosing the
 * certificate of whichever lab host the client named. A certificate due for renewal is reissued in
 * the background on the next handshake after it falls due, and swapped in when ready.
 */
export class LabTls {
  private readonly byHost = new Map<string, HostTls>();
  /** Every DNS name of every host → that host's key in `byHost`. */
  private readonly hostOfName = new Map<string, string>();

  constructor(
    private readonly config: LabConfig,
    private readonly certificates: LabCertificates,
    private readonly log: Logger,
    /** The clock renewal is judged by (tests move it forward). */
    private readonly now: () => number = Date.now,
  ) {
    for (const [host, credentials] of certificates.hosts) {
      this.install(host, credentials);
      for (const name of credentials.names.dns) this.hostOfName.set(name, host);
    }
  }

  /** TLS options for a service (by its name in `services`) or a host name; undefined when neither is known. */
  optionsFor(serviceOrHost: string): TlsOptions | undefined {
    const hostName = this.config.services[serviceOrHost]?.host ?? serviceOrHost;
    const host = findHost(this.config, hostName);
    const entry = host && this.byHost.get(host.name.toLowerCase());
    if (!host || !entry) return undefined;
    if (this.now() >= entry.credentials.renewAt) this.renew(host, entry);
    return entry.options;
  }

  /** The context for an SNI name: the lab host with that name, or undefined for the service's default. */
  contextFor(servername: string): SecureContext | undefined {
    const host = this.hostOfName.get(servername.toLowerCase().replace(/\.$/, ''));
    return host === undefined ? undefined : this.byHost.get(host)?.context;
  }

  private install(host: string, credentials: Credentials): void {
    const context = createSecureContext(serverContextOptions(credentials));
    const options: TlsOptions = {
      ...serverContextOptions(credentials),
      secureContext: context,
      SNICallback: (servername, callback) => callback(null, this.contextFor(servername)),
    };
    this.byHost.set(host, { credentials, context, options });
  }

  private renew(host: HostConfig, entry: HostTls): void {
    if (entry.renewing) return;
    entry.renewing = ensureHostCredentials(this.certificates.authority, this.certificates.paths, host, this.config, this.log, this.now())
      .then((credentials) => this.install(host.name.toLowerCase(), credentials))
      .catch((err: unknown) => {
        this.log.error(`renewing the certificate of ${host.name} failed: ${(err as Error).message}; the current one stays until it expires`);
        // Try again at the next handshake an hour from now rather than on every connection.
        entry.credentials = { ...entry.credentials, renewAt: this.now() + 60 * 60 * 1000 };
        entry.renewing = undefined;
      });
  }
}

/**
 * Builds the lab's TLS provider: creates or loads the CA and host certificates, then hands out
 * per-service options; with `keyLog`, every session's secrets go to it.
 */
export async function createLabTls(config: LabConfig, dataDir: DataDir, log: Logger, keyLog?: (line: Buffer) => void): Promise<TlsProvider> {
  const tls = new LabTls(config, await prepareLabCertificates(config, dataDir, log), log);
  if (!keyLog) return (serviceName) => tls.optionsFor(serviceName);
  return (serviceName) => {
    const options = tls.optionsFor(serviceName);
    return options && { ...options, keyLog };
  };
}
