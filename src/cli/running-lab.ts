import { readFile } from 'node:fs/promises';
import { WirelabError } from '../lab/errors.js';
import type { LabRunFile } from '../lab/lab.js';
import type { CliContext } from './command.js';

/** The lab that `wirelab up` started with this data directory, if it is still running. */
export async function findRunningLab(ctx: CliContext): Promise<LabRunFile | undefined> {
  let run: LabRunFile;
  try {
    run = JSON.parse(await readFile(ctx.dataDir.labFile, 'utf8')) as LabRunFile;
  } catch {
    return undefined;
  }
  try {
    process.kill(run.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else — still running.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return run;
}

export async function requireRunningLab(ctx: CliContext): Promise<LabRunFile> {
  const run = await findRunningLab(ctx);
  if (!run) {
    throw new WirelabError(
      'LAB_NOT_RUNNING',
      `no lab is running with data directory ${ctx.dataDir.root}. Start one with \`wirelab up\` (with the same --data/--config flags), or point at it with --data DIR.`,
    );
  }
  return run;
}

/** The console's base URL, which serves the API that `trace` and `status` read. */
export function consoleUrl(run: LabRunFile): string {
  const console = run.services.find((s) => s.kind === 'console');
  const endpoint = console?.endpoints[0];
  if (!endpoint) {
    throw new WirelabError('LAB_NOT_RUNNING', 'the running lab has no console service; enable `console` under services in its config to watch conversations.');
  }
  const host = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  return `http://${host}:${endpoint.port}`;
}
