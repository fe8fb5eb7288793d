import { chmod, chown, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hasCommand, run } from '../helpers/run.js';

/** Dovecot's own imap and pop3 binaries, run pre-authenticated on a Maildir (no daemon, no auth service). */
const IMAP = '/usr/lib/dovecot/imap';
const POP3 = '/usr/lib/dovecot/pop3';

/** Whether Dovecot and the binaries a test needs (dovecot-imapd, dovecot-pop3d) are installed. */
export async function dovecotAvailable(binaries: readonly ('imap' | 'pop3')[]): Promise<boolean> {
  const paths = binaries.map((b) => (b === 'imap' ? IMAP : POP3));
  const present = await Promise.all(paths.map((p) => stat(p).then(() => true, () => false)));
  return hasCommand('dovecot') && present.every(Boolean);
}

/**
 * Writes a Dovecot config for `maildir` into `dir`. Dovecot refuses to touch mail as root, so as root it
 * runs as `nobody`: the Maildir and `dir` are handed to nobody, and the directories from `reachableFrom`
 * down to the Maildir are made traversable (wirelab, as root, can still read and write everything).
 */
export async function prepareForDovecot(dir: string, maildir: string, reachableFrom?: string): Promise<string> {
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'nobody' : (process.env.USER ?? 'nobody');
  const conf = join(dir, 'dovecot.conf');
  await mkdir(join(dir, 'run'), { recursive: true });
  await mkdir(maildir, { recursive: true });
  await writeFile(
    conf,
    [
      `mail_location = maildir:${maildir}`,
      `mail_uid = ${user}`,
      `mail_gid = ${asRoot ? 'nogroup' : user}`,
      'ssl = no',
      `base_dir = ${join(dir, 'run')}`,
      `state_dir = ${join(dir, 'run')}`,
      `log_path = ${join(dir, 'dovecot.log')}`,
      '',
    ].join('\n'),
  );
  if (asRoot) {
    await chownTree(dir, 65534, 65534);
    await chownTree(maildir, 65534, 65534);
    for (let at = dirname(maildir); reachableFrom && at.startsWith(reachableFrom); at = dirname(at)) await chmod(at, 0o711);
  }
  return conf;
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  const info = await stat(path);
  if (!info.isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), uid, gid);
}

function env(dir: string, maildir: string): NodeJS.ProcessEnv {
  return { ...process.env, USER: 'tester', HOME: dir, MAIL: `maildir:${maildir}` };
}

/**
 * Runs one of Dovecot's binaries with `commands` as its input, through shell pipes: Node's pipes are
 * sockets, which Dovecot refuses ("must not be started from inetd"), and it cannot poll a plain file.
 */
async function runDovecot(binary: string, dir: string, maildir: string, conf: string, commands: string[]): Promise<string> {
  const input = join(dir, `input-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await writeFile(input, commands.map((c) => `${c}\r\n`).join(''));
  const output = `${input}.out`;
  const res = await run('bash', ['-c', 'set -o pipefail; cat "$2" | "$0" -c "$1" | cat > "$3"', binary, conf, input, output], { env: env(dir, maildir), timeoutMs: 30_000 });
  const text = await readFile(output, 'utf8').catch(() => '');
  if (res.code !== 0) throw new Error(`${binary} exited ${res.code}: ${text}${res.stderr}`);
  return text;
}

/** Sends IMAP commands (literals as LITERAL+) to a pre-authenticated Dovecot and returns its output. */
export function dovecotImap(dir: string, maildir: string, conf: string, commands: string[]): Promise<string> {
  return runDovecot(IMAP, dir, maildir, conf, commands);
}

/** The same for Dovecot's POP3. */
export function dovecotPop3(dir: string, maildir: string, conf: string, commands: string[]): Promise<string> {
  return runDovecot(POP3, dir, maildir, conf, commands);
}
