import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataDir } from '../../src/lab/data-dir.js';
import type { LabRunFile } from '../../src/lab/lab.js';
import { peakRssBytes } from './memory.js';
import { treeCpuSeconds } from './proc.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** The end of the lab's output kept for error messages. */
const OUTPUT_KEPT = 16 * 1024;

export interface LabProcessOptions {
  /** The lab's YAML config; services with `port: 0` get a free port, read back from the lab's run file. */
  configYaml: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  startTimeoutMs?: number;
}

/** A wirelab lab running as its own process (`wirelab up`), so a load generator never shares its CPU time or heap. */
export interface LabProcess {
  pid: number;
  dataDir: DataDir;
  /** The first TCP endpoint of a service, as the lab wrote it in run/lab.json. */
  endpoint(service: string): { address: string; port: number };
  /** CPU time the lab has used so far (every thread), in seconds. */
  cpuSeconds(): Promise<number>;
  /** The lab's peak resident memory so far (VmHWM). */
  peakRssBytes(): Promise<number | undefined>;
  /** Stops the lab with SIGTERM (as Ctrl-C would), waits for it, and removes its directory. */
  stop(): Promise<void>;
}

export async function startLabProcess(options: LabProcessOptions): Promise<LabProcess> {
  const root = await mkdtemp(join(tmpdir(), 'wirelab-bench-'));
  const configFile = join(root, 'lab.yaml');
  const dataDir = new DataDir(join(root, 'data'));
  await writeFile(configFile, options.configYaml);
  const child = spawn(process.execPath, [...labNodeArgs(), CLI, 'up', '--config', configFile, '--data', dataDir.root, '--log-level', options.logLevel ?? 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  let runFile: LabRunFile;
  try {
    runFile = await waitForRunFile(child, dataDir.labFile, options.startTimeoutMs ?? 60_000, () => output);
  } catch (err) {
    await terminate(child);
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const pid = child.pid!;
  return {
    pid,
    dataDir,
    endpoint(service) {
      const endpoint = runFile.services.find((s) => s.name === service)?.endpoints.find((e) => e.transport === 'tcp');
      if (!endpoint) throw new Error(`the lab runs no TCP service named ${service}`);
      return { address: endpoint.address, port: endpoint.port };
    },
    cpuSeconds: () => treeCpuSeconds(pid),
    peakRssBytes: () => peakRssBytes(pid),
    async stop() {
      const code = await terminate(child);
      await rm(root, { recursive: true, force: true });
      if (code !== 0) throw new Error(`wirelab up exited with ${code ?? 'a signal'} when stopped:\n${output}`);
    },
  };
}

/**
 * Extra Node options for the lab process only, from BENCH_LAB_NODE_ARGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where a bench's server time goes; NODE_OPTIONS refuses those.
 */
function labNodeArgs(): string[] {
  return (process.env.BENCH_LAB_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
}

/** The lab writes run/lab.json once every service listens; it may be read half-written, so a parse failure means "not yet". */
async function waitForRunFile(child: ChildProcess, path: string, timeoutMs: number, output: () => string): Promise<LabRunFile> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wirelab up exited (${child.exitCode ?? child.signalCode}) before the lab was up:\n${output()}`);
    }
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as LabRunFile;
      if (parsed.pid === child.pid) return parsed;
    } catch {
      // Not written yet, or caught mid-write.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`wirelab up did not come up within ${timeoutMs} ms:\n${output()}`);
}

/** SIGTERM, then SIGKILL if the lab has not finished draining within 30 s. Resolves with the exit code (null after a kill). */
function terminate(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
