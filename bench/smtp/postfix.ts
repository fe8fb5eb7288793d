import { existsSync } from 'node:fs';
import { freePort, waitForListener } from '../../test/helpers/free-port.js';
import { startPostfix as startPostfixInstance } from '../../test/helpers/postfix.js';
import { PeakSampler, treeRssBytes } from '../lib/memory.js';
import { treeCpuSeconds } from '../lib/proc.js';
import { BENCH_DOMAIN, type SmtpTarget } from './target.js';

export { postfixVersion } from '../../test/helpers/postfix.js';

const POSTFIX = '/usr/sbin/postfix';

/** Whether Postfix can be compared in this run, and if not, what to tell the user. */
export function postfixAvailability(): { available: true } | { available: false; why: string } {
  if (!existsSync(POSTFIX)) return { available: false, why: `Postfix was not found (${POSTFIX}); \`apt-get install postfix\` to compare with it` };
  if (process.getuid?.() !== 0) return { available: false, why: 'Postfix is installed but only root can start an instance of it; run the bench as root to compare' };
  return { available: true };
}

/**
 * A throwaway Postfix (test/helpers/postfix.ts: Debian's config copied, its own queue, smtpd on
 * 127.0.0.1:<free port>, virtual(8) delivery of bench.test into a Maildir, Postfix's defaults
 * otherwise) as a bench target. Its 250 comes once cleanup(8) has fsynced the queue file.
 */
export async function startPostfix(): Promise<SmtpTarget> {
  const port = await freePort();
  const instance = await startPostfixInstance({
    listen: { address: '127.0.0.1', port },
    domain: BENCH_DOMAIN,
    // A fixed name, so nothing looks up the machine's.
    settings: { myhostname: `postfix.${BENCH_DOMAIN}` },
  });
  try {
    await waitForListener('127.0.0.1', port, 10_000);
  } catch (err) {
    await instance.stop();
    throw err;
  }
  const memory = new PeakSampler(() => treeRssBytes(instance.masterPid));
  memory.start();
  let peak: number | undefined;
  return {
    name: 'Postfix',
    address: '127.0.0.1',
    port,
    maildir: instance.maildir,
    // Postfix answers once the message is queued and delivers it a moment later.
    deliveryGraceMs: 120_000,
    cpuSeconds: () => treeCpuSeconds(instance.masterPid),
    peakMemory: async () => {
      peak ??= await memory.stop();
      return { bytes: peak, how: 'peak of the summed RSS of master and its children, sampled every 250 ms' };
    },
    async stop() {
      peak ??= await memory.stop();
      await instance.stop();
    },
  };
}
