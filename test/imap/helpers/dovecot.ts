import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../../helpers/run.js';

/** Dovecot runs its mail processes as this user (root is refused); `nobody` on Debian. */
const MAIL_UID = 65534;

export interface RunningDovecot {
  /** The master process; its descendants do the work. */
  pid: number;
  imapPort: number;
  pop3Port: number;
  /** The Maildir of a user. */
  maildirOf(user: string): string;
  stop(): Promise<void>;
}

export function dovecotInstalled(): boolean {
  return hasCommand('dovecot') && process.getuid?.() === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on ${port} within ${deadlineMs} ms`);
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

/**
 * Dovecot with its own config, on free loopback ports, in a temp directory: the real peer for
 * interop tests and benchmarks (`dovecot -F -c conf`, as root). Users log in with PLAIN passwords.
 */
export async function startDovecot(users: { name: string; password: string }[], mailRoot?: string): Promise<RunningDovecot> {
  const root = await mkdtemp(join(tmpdir(), 'wirelab-dovecot-'));
  // Dovecot's auth and mail processes run as other users and must reach their files.
  await chmod(root, 0o755);
  const mail = mailRoot ?? join(root, 'mail');
  for (const dir of ['run', 'state', 'home']) await mkdir(join(root, dir), { recursive: true });
  await mkdir(mail, { recursive: true });
  const [imapPort, pop3Port] = [await freePort(), await freePort()];
  await writeFile(join(root, 'passwd'), users.map((u) => `${u.name}:{PLAIN}${u.password}\n`).join(''));
  await writeFile(
    join(root, 'dovecot.conf'),
    `protocols = imap pop3
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
mail_max_userip_connections = 100
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
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${pop3Port}
  }
  inet_listener pop3s {
    port = 0
  }
}
`,
  );
  await giveToMailUser(mail);
  await chown(join(root, 'home'), MAIL_UID, MAIL_UID);
  const child: ChildProcess = spawn('dovecot', ['-F', '-c', join(root, 'dovecot.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(imapPort, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid!,
    imapPort,
    pop3Port,
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
