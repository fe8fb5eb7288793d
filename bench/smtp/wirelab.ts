import { startLabProcess } from '../lib/lab-process.js';
import { BENCH_DOMAIN, BENCH_RECIPIENT, type SmtpTarget } from './target.js';

/** A lab with one domain, one mailbox and SMTP on a free port; everything else as shipped (tap and transcripts on). */
const BENCH_CONFIG_YAML = `# wirelab SMTP bench: one domain with one mailbox, SMTP on a port the OS picks.
domains:
  - { name: ${BENCH_DOMAIN}, mailHost: ${BENCH_DOMAIN} }
hosts:
  - { name: ${BENCH_DOMAIN}, address: 127.0.0.1 }
users:
  - { address: ${BENCH_RECIPIENT}, password: bench-only-password }
services:
  smtp: { host: ${BENCH_DOMAIN}, port: 0 }
`;

/** `wirelab up` in its own process; its 250 comes after the message is fsynced into the Maildir. */
export async function startWirelab(): Promise<SmtpTarget> {
  const lab = await startLabProcess({ configYaml: BENCH_CONFIG_YAML, logLevel: 'warn' });
  const { address, port } = lab.endpoint('smtp');
  return {
    name: 'wirelab',
    address,
    port,
    maildir: lab.dataDir.maildirOf(BENCH_RECIPIENT),
    deliveryGraceMs: 0,
    cpuSeconds: () => lab.cpuSeconds(),
    peakMemory: async () => ({ bytes: await lab.peakRssBytes(), how: 'VmHWM of the lab process' }),
    stop: () => lab.stop(),
  };
}
