import { spawnSync } from 'node:child_process';
import type { LabConfigInput } from '../../src/lab/config.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { run, type RunResult } from '../helpers/run.js';

export interface DnsLab extends TestLab {
  /** The port a DNS service listens on (UDP and TCP share it). */
  port(service?: string): number;
}

/** The demo lab with only its DNS services (ns1, ns2, um.es), on free ports. */
export async function startDnsLab(edit?: (config: LabConfigInput) => void, options: { dataDir?: string; keepData?: boolean } = {}): Promise<DnsLab> {
  const lab = await startTestLab({
    ...options,
    edit: (config) => {
      const services = config.services ?? {};
      config.services = Object.fromEntries(Object.entries(services).filter(([name, s]) => (s.kind ?? name) === 'dns'));
      edit?.(config);
    },
  });
  return Object.assign(lab, {
    port(service = 'dns') {
      return lab.endpoint(service).port;
    },
  });
}

/** dig with one try and a short timeout, so a broken server fails the test fast instead of hanging it. */
export function dig(server: string, port: number, args: string[], options: { source?: string } = {}): Promise<RunResult> {
  return run('dig', [`@${server}`, '-p', String(port), '+time=2', '+tries=1', ...(options.source ? ['-b', options.source] : []), ...args], { timeoutMs: 20_000 });
}

export function kdig(server: string, port: number, args: string[]): Promise<RunResult> {
  return run('kdig', [`@${server}`, '-p', String(port), '+time=2', '+retry=0', ...args], { timeoutMs: 20_000 });
}

/** The records of one section of dig's output, as `name ttl class type data` lines with single spaces. */
export function section(output: string, name: 'ANSWER' | 'AUTHORITY' | 'ADDITIONAL' | 'QUESTION'): string[] {
  const start = output.indexOf(`;; ${name} SECTION:`);
  if (start < 0) return [];
  const lines: string[] = [];
  for (const line of output.slice(start).split('\n').slice(1)) {
    if (line.trim() === '') break;
    lines.push(line.replace(/\s+/g, ' ').trim());
  }
  return lines;
}

/** `status: NOERROR` and the flags, from dig's header lines. */
export function header(output: string): { status: string; flags: string[] } {
  const status = /status: (\w+)/.exec(output)?.[1] ?? 'none';
  const flags = (/;; flags: ([a-z ]+);/.exec(output)?.[1] ?? '').trim().split(/\s+/);
  return { status, flags };
}

let pythonCache: string | null | undefined;
/** A Python 3 that has dnspython (Debian's python3-dnspython lives under /usr/bin/python3). */
export function pythonWithDnspython(): string | null {
  if (pythonCache !== undefined) return pythonCache;
  pythonCache = null;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import dns.message, dns.query, dns.zone'], { stdio: 'ignore' });
    if (probe.status === 0) {
      pythonCache = candidate;
      break;
    }
  }
  return pythonCache;
}

export function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 200 ms until it is true or `timeoutMs` passes; returns the last result. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 1000 && Date.now() < deadline; i += 1) {
    if (await check()) return true;
    await wait(200);
  }
  return check();
}
