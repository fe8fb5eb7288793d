import { demoConfig, loadConfigFile } from '../lab/config.js';
import { DataDir } from '../lab/data-dir.js';
import { WirelabError } from '../lab/errors.js';
import { defaultPortOffset } from '../lab/ports.js';
import type { CliContext, OptionSpec, OptionValues } from './command.js';

/** The flags every subcommand takes, so `status`, `test` and `trace` find the lab that `up` started with them. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  config: { type: 'string', short: 'c', help: 'the lab config file (YAML); without it, the built-in demo' },
  data: { type: 'string', short: 'd', help: 'the data directory (default ./wirelab-data, or the config\'s dataDir)' },
  'port-offset': { type: 'string', help: 'added to every standard port (0 = standard ports, 10000 = 25 → 10025)' },
};

export async function buildContext(values: OptionValues): Promise<CliContext> {
  const configPath = typeof values.config === 'string' ? values.config : undefined;
  const config = configPath ? await loadConfigFile(configPath) : demoConfig();
  const data = typeof values.data === 'string' ? values.data : (config.dataDir ?? './wirelab-data');
  const offsetText = values['port-offset'];
  let portOffset = config.portOffset ?? defaultPortOffset();
  if (typeof offsetText === 'string') {
    if (!/^\d+$/.test(offsetText) || Number(offsetText) > 60000) {
      throw new WirelabError('BAD_ARGUMENT', `--port-offset ${offsetText}: expected a whole number from 0 to 60000, e.g. --port-offset 10000`);
    }
    portOffset = Number(offsetText);
  }
  return {
    config,
    configPath,
    dataDir: new DataDir(data),
    portOffset,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}
