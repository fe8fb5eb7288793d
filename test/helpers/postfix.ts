import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const POSTFIX = '/usr/sbin/postfix';
const POSTCONF = '/usr/sbin/postconf';
const POSTQUEUE = '/usr/sbin/postqueue';
/** Debian's nobody:nogroup owns the Maildir (virtual(8) refuses uids below 100). */
const MAILBOX_ID = 65534;
const TIMEOUT_MS = 30_000;
/** Postfix's commands run in a session of their own, so a Ctrl-C meant for a bench cannot kill `postfix start` half-way. */
const COMMAND_OPTIONS = { timeout: TIMEOUT_MS, detached: true };

export interface PostfixOptions {
  /** Where its smtpd listens (any loopback address: master binds it itself). */
  listen: { address: string; port: number };
  /** The domain it keeps mailboxes for (every recipient lands in one Maildir). */
  domain: string;
  /** More main.cf settings: transport_maps to reach the lab without DNS, a relayhost, concurrency … */
  settings?: Record<string, string>;
  /** A certificate and key (PEM files) for its STARTTLS. */
  tls?: { cert: string; key: string };
}

export interface PostfixInstance {
  maildir: string;
  /** The master process (its children are the daemons). */
  masterPid: number;
  log(): Promise<string>;
  /** `postconf -c DIR …`, `postfix -c DIR …` and `postqueue -c DIR …` on this instance. */
  postconf(...args: string[]): Promise<void>;
  postfix(...args: string[]): Promise<void>;
  postqueue(...args: string[]): Promise<string>;
  /** Messages in the named queues (default all: maildrop, incoming, active, deferred, hold). */
  queued(queues?: string[]): Promise<number>;
  stop(): Promise<void>;
}

/** Why a Postfix instance cannot run here listening on address:port, or undefined when it can. */
export async function postfixUnavailable(address: string, port: number): Promise<string | undefined> {
  if (!existsSync(POSTFIX)) return 'Postfix is not installed (apt-get install postfix)';
  if (process.getuid?.() !== 0) return 'only root can start a Postfix instance';
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: address, port }, () => probe.close(() => resolve(true)));
  });
  return free ? undefined : `port ${port} on ${address} is taken`;
}

/**
 * A throwaway Postfix under a temp directory: Debian's main.cf and master.cf copied and edited with
 * postconf, its own queue, smtpd on the given address and port (with
 * STARTTLS when given a certificate), virtual(8) delivery of its domain into a Maildir, and the
 * caller's settings. The system's /etc/postfix and any system Postfix are never touched.
 */
export async function startPostfix(options: PostfixOptions): Promise<PostfixInstance> {
  const root = await mkdtemp(join(tmpdir(), 'postfix-relay-'));
  await chmod(root, 0o755);
  const etc = join(root, 'etc');
  const mail = join(root, 'mail');
  const queue = join(root, 'queue');
  await mkdir(etc);
  await mkdir(mail);
  await mkdir(queue, { mode: 0o755 });
  await chown(mail, MAILBOX_ID, MAILBOX_ID);
  await copyFile('/etc/postfix/main.cf', join(etc, 'main.cf'));
  await copyFile('/etc/postfix/master.cf', join(etc, 'master.cf'));
  const settings: Record<string, string> = {
    queue_directory: queue,
    data_directory: join(root, 'data'),
    myhostname: `mail.${options.domain}`,
    mydomain: options.domain,
    mydestination: '',
    alias_maps: '',
    alias_database: '',
    // Postfix takes only interface addresses here (127.0.0.1 on lo); the smtpd below binds its own.
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    mynetworks: '127.0.0.0/8',
    virtual_mailbox_domains: options.domain,
    virtual_mailbox_base: mail,
    virtual_mailbox_maps: 'static:box/Maildir/',
    virtual_uid_maps: `static:${MAILBOX_ID}`,
    virtual_gid_maps: `static:${MAILBOX_ID}`,
    smtp_dns_support_level: 'disabled',
    smtpd_peername_lookup: 'no',
    smtp_tls_security_level: 'may',
    ...(options.tls ? { smtpd_tls_security_level: 'may', smtpd_tls_cert_file: options.tls.cert, smtpd_tls_key_file: options.tls.key } : {}),
    smtp_bind_address: options.listen.address,
    // No syslog here: a log file of its own (Postfix writes only under maillog_file_prefixes).
    maillog_file: join(root, 'maillog'),
    maillog_file_prefixes: root,
    ...options.settings,
  };
  const postconf = async (...args: string[]): Promise<void> => {
    await exec(POSTCONF, ['-c', etc, ...args], COMMAND_OPTIONS);
  };
  const listen = `${options.listen.address}:${options.listen.port}`;
  let masterPid: number;
  try {
    await postconf('-e', ...Object.entries(settings).map(([k, v]) => `${k}=${v}`));
    await postconf('-F', '*/*/chroot = n');
    await postconf('-M#', 'smtp/inet');
    await postconf('-Me', `${listen}/inet = ${listen} inet n - n - - smtpd`);
    await exec(POSTFIX, ['-c', etc, 'start'], COMMAND_OPTIONS);
    masterPid = await readMasterPid(join(queue, 'pid', 'master.pid'));
  } catch (err) {
    // What Postfix said, on stderr and in its own log, is the useful part of the error.
    const stderr = (err as { stderr?: string }).stderr?.trim();
    const log = await readFile(join(root, 'maillog'), 'utf8').catch(() => '');
    await exec(POSTFIX, ['-c', etc, 'stop'], COMMAND_OPTIONS).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    const tail = log ? `\nits log ends:\n${log.trim().split('\n').slice(-10).join('\n')}` : '';
    throw new Error(`Postfix did not start: ${stderr || (err as Error).message}${tail}`);
  }
  return {
    maildir: join(mail, 'box', 'Maildir'),
    masterPid,
    log: () => readFile(join(root, 'maillog'), 'utf8').catch(() => ''),
    postconf,
    postfix: async (...args) => {
      await exec(POSTFIX, ['-c', etc, ...args], COMMAND_OPTIONS);
    },
    postqueue: async (...args) => (await exec(POSTQUEUE, ['-c', etc, ...args], COMMAND_OPTIONS)).stdout,
    queued: async (queues = ['maildrop', 'incoming', 'active', 'deferred', 'hold']) => {
      let n = 0;
      for (const dir of queues) n += await countFiles(join(queue, dir));
      return n;
    },
    async stop() {
      await exec(POSTFIX, ['-c', etc, 'stop'], COMMAND_OPTIONS).catch(() => undefined);
      for (let i = 0; i < 300 && alive(masterPid); i++) await new Promise((r) => setTimeout(r, 100));
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** master writes its pid once it runs; `postfix start` may return a moment before. */
async function readMasterPid(path: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (/^\s*\d+/.test(text)) return Number(text.trim());
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Postfix wrote no ${path}`);
}

/** Files under a queue directory, its hashed subdirectories included. */
async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    n += entry.isDirectory() ? await countFiles(join(dir, entry.name)) : 1;
  }
  return n;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The installed Postfix's version, for reports. */
export async function postfixVersion(): Promise<string> {
  return (await exec(POSTCONF, ['-h', 'mail_version'], COMMAND_OPTIONS)).stdout.trim();
}
