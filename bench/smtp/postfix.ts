import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForListener } from '../../test/helpers/free-port.js';
import { PeakSampler, treeRssBytes } from '../lib/memory.js';
import { treeCpuSeconds } from '../lib/proc.js';
import { BENCH_DOMAIN, type SmtpTarget } from './target.js';

const run = promisify(execFile);

const POSTFIX = '/usr/sbin/postfix';
const POSTCONF = '/usr/sbin/postconf';
/** Debian's own configuration, copied (never edited in place) as the starting point. */
const DEBIAN_CONFIG = '/etc/postfix';
/** Debian's nobody:nogroup, the owner of the bench Maildir (virtual(8) refuses uids below 100). */
const MAILBOX_UID = 65534;
const MAILBOX_GID = 65534;
const COMMAND_TIMEOUT_MS = 30_000;
/** Postfix's commands run in a session of their own, so a Ctrl-C meant for the bench cannot kill `postfix start` half-way. */
const COMMAND_OPTIONS = { timeout: COMMAND_TIMEOUT_MS, detached: true };

/** Whether Postfix can be compared in this run, and if not, what to tell the user. */
export function postfixAvailability(): { available: true } | { available: false; why: string } {
  if (!existsSync(POSTFIX)) return { available: false, why: `Postfix was not found (${POSTFIX}); \`apt-get install postfix\` to compare with it` };
  if (process.getuid?.() !== 0) return { available: false, why: 'Postfix is installed but only root can start an instance of it; run the bench as root to compare' };
  return { available: true };
}

/** Where one throwaway instance keeps everything; removing `root` removes it all. */
interface InstancePaths {
  root: string;
  etc: string;
  queue: string;
  data: string;
  mail: string;
  maillog: string;
}

function instancePaths(root: string): InstancePaths {
  return {
    root,
    etc: join(root, 'etc'),
    queue: join(root, 'queue'),
    data: join(root, 'data'),
    mail: join(root, 'mail'),
    maillog: join(root, 'maillog'),
  };
}

/** The main.cf parameters changed from Debian's, each for a reason. */
function instanceSettings(paths: InstancePaths): Record<string, string> {
  return {
    // This instance's own queue and data; `postfix start` creates what is missing inside them.
    queue_directory: paths.queue,
    data_directory: paths.data,
    // A fixed name, so nothing looks up the machine's.
    myhostname: `postfix.${BENCH_DOMAIN}`,
    // bench.test is a virtual mailbox domain: no local(8) domains, no /etc/aliases.
    mydestination: '',
    alias_maps: '',
    alias_database: '',
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    // smtpd_relay_restrictions (Debian's) permit these clients.
    mynetworks: '127.0.0.0/8',
    virtual_mailbox_domains: BENCH_DOMAIN,
    virtual_mailbox_base: paths.mail,
    // Every recipient of the domain exists and lands in one Maildir (the trailing slash means Maildir).
    virtual_mailbox_maps: 'static:user/Maildir/',
    virtual_uid_maps: `static:${MAILBOX_UID}`,
    virtual_gid_maps: `static:${MAILBOX_GID}`,
    // No reverse lookup of 127.0.0.1, no DNS at all (the machine has only loopback).
    smtpd_peername_lookup: 'no',
    smtp_dns_support_level: 'disabled',
    // No syslog here: the instance logs to a file of its own, quoted when something goes wrong.
    maillog_file: paths.maillog,
    maillog_file_prefixes: paths.root,
  };
}

/**
 * A throwaway Postfix instance under a temp directory: Debian's main.cf and master.cf copied and
 * edited with postconf, its own queue and data directories, smtpd on 127.0.0.1:<free port>,
 * virtual(8) delivery of bench.test into a Maildir. The system's /etc/postfix and any running
 * system Postfix are never touched. Its 250 comes once cleanup(8) has fsynced the queue file.
 */
export async function startPostfix(): Promise<SmtpTarget> {
  const paths = instancePaths(await mkdtemp(join(tmpdir(), 'postfix-bench-')));
  try {
    return await configureAndStart(paths);
  } catch (err) {
    await stopInstance(paths).catch(() => undefined);
    await rm(paths.root, { recursive: true, force: true });
    throw err;
  }
}

async function configureAndStart(paths: InstancePaths): Promise<SmtpTarget> {
  // Postfix's daemons run as the postfix user and must reach the queue under here.
  await chmod(paths.root, 0o755);
  await mkdir(paths.etc);
  // Postfix changes into its queue directory before creating the rest.
  await mkdir(paths.queue, { mode: 0o755 });
  await mkdir(paths.mail);
  await chown(paths.mail, MAILBOX_UID, MAILBOX_GID);
  await copyFile(join(DEBIAN_CONFIG, 'main.cf'), join(paths.etc, 'main.cf'));
  await copyFile(join(DEBIAN_CONFIG, 'master.cf'), join(paths.etc, 'master.cf'));
  const port = await freePort();
  await postconf(paths, '-e', ...Object.entries(instanceSettings(paths)).map(([key, value]) => `${key}=${value}`));
  await postconf(paths, '-F', '*/*/chroot = n');
  await postconf(paths, '-M#', 'smtp/inet');
  await postconf(paths, '-Me', `127.0.0.1:${port}/inet = 127.0.0.1:${port} inet n - n - - smtpd`);
  await postfix(paths, 'start');
  await waitForListener('127.0.0.1', port, 10_000);
  const masterPid = await readMasterPid(paths);
  if (masterPid === undefined) throw new Error(`Postfix started but wrote no master.pid${await logTail(paths)}`);
  const memory = new PeakSampler(() => treeRssBytes(masterPid));
  memory.start();
  let peak: number | undefined;
  return {
    name: 'Postfix',
    address: '127.0.0.1',
    port,
    maildir: join(paths.mail, 'user', 'Maildir'),
    // Postfix answers once the message is queued and delivers it a moment later.
    deliveryGraceMs: 120_000,
    cpuSeconds: () => treeCpuSeconds(masterPid),
    peakMemory: async () => {
      peak ??= await memory.stop();
      return { bytes: peak, how: 'peak of the summed RSS of master and its children, sampled every 250 ms' };
    },
    async stop() {
      peak ??= await memory.stop();
      try {
        await stopInstance(paths);
      } finally {
        await rm(paths.root, { recursive: true, force: true });
      }
    },
  };
}

async function postconf(paths: InstancePaths, ...args: string[]): Promise<void> {
  await run(POSTCONF, ['-c', paths.etc, ...args], COMMAND_OPTIONS);
}

/** Runs `postfix -c ETC <command>`; a failure quotes what Postfix said, on stderr and in its log. */
async function postfix(paths: InstancePaths, command: 'start' | 'stop'): Promise<void> {
  try {
    await run(POSTFIX, ['-c', paths.etc, command], COMMAND_OPTIONS);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`postfix ${command} failed${stderr ? `: ${stderr}` : ''}${await logTail(paths)}`);
  }
}

async function logTail(paths: InstancePaths): Promise<string> {
  const log = await readFile(paths.maillog, 'utf8').catch(() => '');
  return log ? `\nits log (${paths.maillog}) ends:\n${log.split('\n').slice(-10).join('\n')}` : '';
}

async function readMasterPid(paths: InstancePaths): Promise<number | undefined> {
  const text = await readFile(join(paths.queue, 'pid', 'master.pid'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text.trim());
}

/** `postfix stop`, then waits for master to be gone so its directory can be removed. */
async function stopInstance(paths: InstancePaths): Promise<void> {
  const pid = await readMasterPid(paths);
  if (pid === undefined) return;
  await postfix(paths, 'stop');
  const deadline = Date.now() + COMMAND_TIMEOUT_MS;
  while (Date.now() < deadline && processExists(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The installed Postfix's version, for the report. */
export async function postfixVersion(): Promise<string> {
  const { stdout } = await run(POSTCONF, ['-h', 'mail_version'], COMMAND_OPTIONS);
  return stdout.trim();
}
