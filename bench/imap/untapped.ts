import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataDir } from '../../src/lab/data-dir.js';
import { peakRssBytes } from '../lib/memory.js';
import { treeCpuSeconds } from '../lib/proc.js';

const SCRIPT = fileURLToPath(new URL('./untapped-lab.js', import.meta.url));

export interface UntappedLab {
  pid: number;
  port: number;
  dataDir: DataDir;
  cpuSeconds(): Promise<number>;
  peakRssBytes(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Starts `untapped-lab` in its own process with this config; resolves once IMAP listens. */
export async function startUntappedLab(configYaml: string, prepare: (dataDir: DataDir) => Promise<void>): Promise<UntappedLab> {
  const root = await mkdtemp(join(tmpdir(), 'wirelab-bench-untapped-'));
  const configFile = join(root, 'lab.yaml');
  const dataDir = new DataDir(join(root, 'data'));
  await writeFile(configFile, configYaml);
  await prepare(dataDir);
  const child = spawn(process.execPath, [SCRIPT, configFile, dataDir.root], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`untapped lab exited with ${code} before listening`)));
  });
  const pid = child.pid!;
  return {
    pid,
    port,
    dataDir,
    cpuSeconds: () => treeCpuSeconds(pid),
    peakRssBytes: () => peakRssBytes(pid),
    async stop() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
      await rm(root, { recursive: true, force: true });
    },
  };
}
