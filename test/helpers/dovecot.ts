import { spawn } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForListener } from './free-port.js';
import { hasCommand } from './run.js';

/** Dovecot runs its mail processes as this user (it refuses root); `nobody` on Debian. */
const MAIL_UID = 65534;

/** Debian's default (a fresh login process per connection) or Dovecot's documented high-performance login mode. */
export type DovecotLoginMode = 'high-security' | 'high-performance';

export interface DovecotOptions {
  users: { name: string; password: string }[];
  /** Which listeners to open, each on a free loopback port. */
  listen: { imap?: boolean; imaps?: boolean; pop3?: boolean };
  /** Where each user's Maildir is (`USER/Maildir` under it); a fresh directory when omitted. */
  mailRoot?: string;
  /** A certificate and key for IMAPS (then TLS 1.2+ is required, as in the lab). */
  tls?: { cert: string; key: string };
  /** How imap-login runs; Debian's default when omitted. */
  loginMode?: DovecotLoginMode;
}

export interface RunningDovecot {
  /** The master process; its descendants do the work. */
  pid: number;
  /** The port of each listener asked for. */
  ports: { imap?: number; imaps?: number; pop3?: number };
  /** The Maildir of a user. */
  maildirOf(user: string): string;
  /** Hands the Maildirs written as root since the start to Dovecot's mail user. */
  handOver(): Promise<void>;
  stop(): Promise<void>;
}

/** Dovecot (the daemon) can be started here: installed, and run as root, which it needs to switch users. */
export function dovecotInstalled(): boolean {
  return hasCommand('dovecot') && process.getuid?.() === 0;
}

/** Gives every file under `dir` to the mail user, so Dovecot can read and write Maildirs prepared as root. */
export async function giveToMailUser(dir: string): Promise<void> {
  await chown(dir, MAIL_UID, MAIL_UID);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await giveToMailUser(path);
    else await chown(path, MAIL_UID, MAIL_UID);
  }
}

function loginSettings(mode: DovecotLoginMode | undefined): string {
  if (mode === 'high-performance') return '  service_count = 0\n  process_min_avail = 2\n  client_limit = 1000\n';
  return mode === 'high-security' ? '  service_count = 1\n' : '';
}

/**
 * A throwaway Dovecot with its own config in a temp directory, on free loopback ports: the real peer
 * for interop tests and benchmarks (`dovecot -F -c conf`, as root), users with PLAIN passwords. The
 * system's Dovecot and its config are never touched.
 */
export async function startDovecot(options: DovecotOptions): Promise<RunningDovecot> {
  const root = await mkdtemp(join(tmpdir(), 'wirelab-dovecot-'));
  // Dovecot's auth and mail processes run as other users and must reach their files.
  await chmod(root, 0o755);
  const mail = options.mailRoot ?? join(root, 'mail');
  for (const dir of ['run', 'state', 'home']) await mkdir(join(root, dir), { recursive: true });
  await mkdir(mail, { recursive: true });
  const ports: RunningDovecot['ports'] = {};
  for (const name of ['imap', 'imaps', 'pop3'] as const) if (options.listen[name]) ports[name] = await freePort();
  if (options.tls) {
    await copyFile(options.tls.cert, join(root, 'cert.pem'));
    await copyFile(options.tls.key, join(root, 'key.pem'));
  }
  const ssl = options.tls ? `ssl = required\nssl_cert = <${root}/cert.pem\nssl_key = <${root}/key.pem\nssl_min_protocol = TLSv1.2` : 'ssl = no\ndisable_plaintext_auth = no';
  const protocols = [ports.imap || ports.imaps ? 'imap' : '', ports.pop3 ? 'pop3' : ''].filter(Boolean).join(' ');
  await writeFile(join(root, 'passwd'), options.users.map((u) => `${u.name}:{PLAIN}${u.password}\n`).join(''));
  await writeFile(
    join(root, 'dovecot.conf'),
    `protocols = ${protocols}
listen = 127.0.0.1
base_dir = ${root}/run
state_dir = ${root}/state
log_path = ${root}/dovecot.log
${ssl}
auth_mechanisms = plain
first_valid_uid = 100
mail_location = maildir:${mail}/%u/Maildir
default_internal_user = dovecot
default_login_user = dovenull
mail_max_userip_connections = 1000
default_process_limit = 1000
default_client_limit = 4000
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${root}/passwd
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${root}/home/%u
}
service imap-login {
  inet_listener imap {
    port = ${ports.imap ?? 0}
  }
  inet_listener imaps {
    port = ${ports.imaps ?? 0}
  }
${loginSettings(options.loginMode)}}
service pop3-login {
  inet_listener pop3 {
    port = ${ports.pop3 ?? 0}
  }
  inet_listener pop3s {
    port = 0
  }
}
`,
  );
  await giveToMailUser(mail);
  await chown(join(root, 'home'), MAIL_UID, MAIL_UID);
  const child = spawn('dovecot', ['-F', '-c', join(root, 'dovecot.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (const port of Object.values(ports)) await waitForListener('127.0.0.1', port, 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return {
    pid: child.pid!,
    ports,
    maildirOf: (user) => join(mail, user, 'Maildir'),
    async handOver() {
      await giveToMailUser(mail);
      await giveToMailUser(join(root, 'home'));
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await rm(root, { recursive: true, force: true });
    },
  };
}
