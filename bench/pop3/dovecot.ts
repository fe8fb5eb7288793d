import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForListener } from '../lib/free-port.js';
import { giveToMailUser } from '../tls-dovecot.js';

/** Dovecot runs mail processes as this user (it refuses root); `nobody` on Debian. */
const MAIL_UID = 65534;

export interface PopDovecot {
  /** The master process; its descendants do the work. */
  pid: number;
  port: number;
  maildirOf(user: string): string;
  /** Hands the Maildirs written as root to Dovecot's mail user. */
  handOver(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Dovecot with Debian's defaults answering POP3 in clear on a free loopback port, users with PLAIN
 * passwords, mail in its own directory (the same files as wirelab's, hard-linked).
 */
export async function startPopDovecot(users: { name: string; password: string }[]): Promise<PopDovecot> {
  const root = await mkdtemp(join(tmpdir(), 'wirelab-bench-pop3-dovecot-'));
  // Dovecot's auth process runs as the dovecot user and must reach the passwd file.
  await chmod(root, 0o755);
  const mail = join(root, 'mail');
  for (const dir of ['run', 'state', 'home', 'mail']) await mkdir(join(root, dir), { recursive: true });
  const port = await freePort();
  await writeFile(join(root, 'passwd'), users.map((u) => `${u.name}:{PLAIN}${u.password}\n`).join(''));
  await writeFile(
    join(root, 'dovecot.conf'),
    `protocols = pop3
listen = 127.0.0.1
base_dir = ${root}/run
state_dir = ${root}/state
log_path = ${root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 100
mail_location = maildir:${mail}/%u/Maildir
default_internal_user = dovecot
default_login_user = dovenull
mail_max_userip_connections = 1000
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${root}/passwd
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${root}/home/%u
}
service pop3-login {
  inet_listener pop3 {
    port = ${port}
  }
  inet_listener pop3s {
    port = 0
  }
}
`,
  );
  const child = spawn('dovecot', ['-F', '-c', join(root, 'dovecot.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForListener('127.0.0.1', port, 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return {
    pid: child.pid!,
    port,
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
