import { writeFile } from 'node:fs/promises';
import { WirelabError } from '../../lab/errors.js';
import { DEMO_CONFIG_YAML } from '../../lab/demo-config.js';
import type { CliCommand } from '../command.js';

export const initCommand: CliCommand = {
  name: 'init',
  summary: 'write the demo lab config, with comments, to a file to edit',
  usage: ['wirelab init [FILE]          (default wirelab.yaml)', 'wirelab init FILE --force   (overwrite)'],
  options: { force: { type: 'boolean', help: 'overwrite FILE if it exists' } },
  async run({ positionals, values }, ctx) {
    const file = positionals[0] ?? 'wirelab.yaml';
    try {
      await writeFile(file, DEMO_CONFIG_YAML, { flag: values.force ? 'w' : 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new WirelabError('BAD_ARGUMENT', `${file} already exists; pass --force to overwrite it, or name another file`);
      }
      throw new WirelabError('BAD_ARGUMENT', `cannot write ${file}: ${(err as Error).message}`);
    }
    ctx.out(`wrote ${file}; start the lab with \`wirelab up --config ${file}\``);
    return 0;
  },
};
