import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validateConfig, type LabConfigInput } from '../../src/lab/config.js';
import { DEMO_CONFIG_YAML } from '../../src/lab/demo-config.js';
import { startLab, type Lab, type StartLabOptions } from '../../src/lab/lab.js';

export interface TestLab extends Lab {
  /** Stops the lab and removes its data directory. */
  dispose(): Promise<void>;
}

/**
 * The demo lab on free ports, with a fresh data directory, quiet logs. `edit` changes the demo config
 * (as parsed YAML) before it is validated; `services` replaces the demo's service list.
 */
export async function startTestLab(
  options: { edit?: (config: LabConfigInput) => void; keepData?: boolean; dataDir?: string } & Omit<StartLabOptions, 'config' | 'dataDir'> = {},
): Promise<TestLab> {
  const raw = parseYaml(DEMO_CONFIG_YAML) as LabConfigInput;
  options.edit?.(raw);
  const config = validateConfig(raw, 'test config');
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'wirelab-test-')));
  const lab = await startLab({ ephemeralPorts: true, logLevel: 'silent', ...options, config, dataDir });
  return Object.assign(lab, {
    async dispose() {
      await lab.stop();
      if (!options.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  });
}
