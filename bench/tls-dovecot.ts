import { spawn } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForListener } from './lib/free-port.js';

/** Dovecot runs mail processes as this user (it refuses root); `nobody` on Debian. */
const MAIL_UID = 65534;

/** Debian's default (a fresh imap-login process per connection) or Dovecot's documented high-performance login mode. */
export type DovecotLoginMode = 'high-security' | 'high-performance';

export interface BenchDovecot {
  /** The master process; its descendants do the work. */
  pid: number;
  imapsPort: number;
  maildirOf(user: string): string;
  stop(): Promise<void>;
}

/**
 * Dovecot answering IMAPS on a free loopback port with the same certificate and key as the lab (so
 * both sides do the same cryptography), TLS 1.2+ as the lab, users with PLAIN passwords.
 */
export async function startBenchDovecot(options: {
  cert: string;
  key: string;
  users: { name: string; password: string }[];
  mode: DovecotLoginMode;
}): Promise<BenchDovecot> {
  const root = await mkdtemp(join(tmpdir(), 'wirelab-bench-dovecot-'));
  // Dovecot's auth process runs as the dovecot user and must reach the passwd file.
  await chmod(root, 0o755);
  const mail = join(root, 'mail');
  for (const dir of ['run', 'state', 'home', 'mail']) await mkdir(join(root, dir), { recursive: true });
  await copyFile(options.cert, join(root, 'cert.pem'));
  await copyFile(options.key, join(root, 'key.pem'));
  const imapsPort = await freePort();
  await writeFile(join(root, 'passwd'), options.users.map((u) => `${u.name}:{PLAIN}${u.password}\n`).join(''));
  const login =
    options.mode === 'high-performance'
      ? '  service_count = 0\n  process_min_avail = 2\n  client_limit = 1000\n'
      : '  service_count = 1\n';
  await writeFile(
    join(root, 'dovecot.conf'),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${root}/run
state_dir = ${root}/state
log_path = ${root}/dovecot.log
ssl = required
ssl_cert = <${root}/cert.pem
ssl_key = <${root}/key.pem
ssl_min_protocol = TLSv1.2
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
    port = 0
  }
  inet_listener imaps {
    port = ${imapsPort}
  }
${login}}
`,
  );
  await chown(join(root, 'home'), MAIL_UID, MAIL_UID);
  const child = spawn('dovecot', ['-F', '-c', join(root, 'dovecot.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForListener('127.0.0.1', imapsPort, 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return {
    pid: child.pid!,
    imapsPort,
    maildirOf: (user) => join(mail, user, 'Maildir'),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Hands a Maildir prepared as root to Dovecot's mail user. */
export async function giveToMailUser(dir: string): Promise<void> {
  await chown(dir, MAIL_UID, MAIL_UID);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await giveToMailUser(path);
    else await chown(path, MAIL_UID, MAIL_UID);
  }
}
