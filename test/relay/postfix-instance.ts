import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const POSTFIX = '/usr/sbin/postfix';
const POSTCONF = '/usr/sbin/postconf';
/** Debian's nobody:nogroup owns the Maildir (virtual(8) refuses uids below 100). */
const MAILBOX_ID = 65534;
const TIMEOUT_MS = 30_000;

export interface PostfixOptions {
  /** The loopback address it listens on, port 25. */
  address: string;
  /** The domain it keeps mailboxes for (every recipient lands in one Maildir). */
  domain: string;
  /** Postfix's transport_maps: domain → `smtp:[address]:port`, so it finds the lab without DNS. */
  transports: Record<string, string>;
  /** A certificate and key (PEM files) for its STARTTLS. */
  tls: { cert: string; key: string };
}

export interface PostfixInstance {
  maildir: string;
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Why a Postfix interop test cannot run here, or undefined when it can. */
export async function postfixUnavailable(address: string): Promise<string | undefined> {
  if (!existsSync(POSTFIX)) return 'Postfix is not installed (apt-get install postfix)';
  if (process.getuid?.() !== 0) return 'only root can start a Postfix instance';
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: address, port: 25 }, () => probe.close(() => resolve(true)));
  });
  return free ? undefined : `port 25 on ${address} is taken`;
}

/**
 * A throwaway Postfix under a temp directory: Debian's main.cf and master.cf copied and edited with
 * postconf (as bench/smtp/postfix.ts does), its own queue, smtpd on <address>:25 with STARTTLS, virtual(8) delivery of its domain
 * into a Maildir, transport_maps to reach the lab. The system's /etc/postfix is never touched.
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
  const transports = Object.entries(options.transports).map(([domain, nexthop]) => `${domain}=${nexthop}`).join(' ');
  const settings: Record<string, string> = {
    queue_directory: queue,
    data_directory: join(root, 'data'),
    myhostname: `mail.${options.domain}`,
    mydomain: options.domain,
    mydestination: '',
    alias_maps: '',
    alias_database: '',
    // Postfix accepts only interface addresses here (127.0.0.1 on lo); the smtpd below binds its own.
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    mynetworks: '127.0.0.0/8',
    virtual_mailbox_domains: options.domain,
    virtual_mailbox_base: mail,
    virtual_mailbox_maps: 'static:box/Maildir/',
    virtual_uid_maps: `static:${MAILBOX_ID}`,
    virtual_gid_maps: `static:${MAILBOX_ID}`,
    transport_maps: `inline:{ ${transports} }`,
    smtp_dns_support_level: 'disabled',
    smtpd_peername_lookup: 'no',
    smtp_tls_security_level: 'may',
    smtpd_tls_security_level: 'may',
    smtpd_tls_cert_file: options.tls.cert,
    smtpd_tls_key_file: options.tls.key,
    smtp_bind_address: options.address,
    maillog_file: join(root, 'maillog'),
    maillog_file_prefixes: root,
  };
  const postconf = (...args: string[]): Promise<unknown> => exec(POSTCONF, ['-c', etc, ...args], { timeout: TIMEOUT_MS });
  try {
    await postconf('-e', ...Object.entries(settings).map(([k, v]) => `${k}=${v}`));
    await postconf('-F', '*/*/chroot = n');
    await postconf('-M#', 'smtp/inet');
    await postconf('-Me', `${options.address}:25/inet = ${options.address}:25 inet n - n - - smtpd`);
    await exec(POSTFIX, ['-c', etc, 'start'], { timeout: TIMEOUT_MS });
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const pidFile = join(queue, 'pid', 'master.pid');
  return {
    maildir: join(mail, 'box', 'Maildir'),
    log: () => readFile(join(root, 'maillog'), 'utf8').catch(() => ''),
    async stop() {
      const pid = existsSync(pidFile) ? Number((await readFile(pidFile, 'utf8')).trim()) : undefined;
      await exec(POSTFIX, ['-c', etc, 'stop'], { timeout: TIMEOUT_MS }).catch(() => undefined);
      for (let i = 0; i < 300 && pid && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      await rm(root, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
