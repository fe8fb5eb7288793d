import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface LabProcess {
  child: ChildProcess;
  /** SERVICE → port, as `wirelab up` printed them. */
  ports: Map<string, number>;
  output(): string;
}

/** Runs `wirelab up` as a separate process (for kill -9 and signal tests) and waits for its service table. */
export function spawnLab(args: string[], timeoutMs = 30_000): Promise<LabProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'up', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wirelab up did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        const ports = new Map<string, number>();
        for (const m of out.matchAll(/^\s+(\S+)\s+\S+\s+[\d.:a-f]+:(\d+)\/tcp/gm)) ports.set(m[1]!, Number(m[2]));
        resolve({ child, ports, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes('Press Ctrl-C to stop.')) reject(new Error(`wirelab up exited with ${code}:\n${out}`));
    });
  });
}

export function waitForExit(child: ChildProcess, timeoutMs = 20_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the lab process did not exit')), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
