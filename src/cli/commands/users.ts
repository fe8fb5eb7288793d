import { Directory } from '../../directory/directory.js';
import { WirelabError } from '../../lab/errors.js';
import type { CliCommand, CliContext, OptionValues } from '../command.js';
import { readPassword } from '../password-input.js';
import { table } from '../table.js';

function openDirectory(ctx: CliContext): Directory {
  ctx.dataDir.prepare();
  return new Directory(ctx.dataDir.usersFile);
}

function checkDomain(ctx: CliContext, address: string): void {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  const domains = ctx.config.domains.map((d) => d.name.toLowerCase());
  if (!address.includes('@') || !domains.includes(domain)) {
    throw new WirelabError('BAD_ARGUMENT', `"${address}" must be an address in one of the lab's domains (${domains.join(', ')}), e.g. alice@${domains[0]}`);
  }
}

async function passwordFrom(values: OptionValues): Promise<string> {
  const given = values.password;
  const password = typeof given === 'string' ? given : await readPassword('Password: ');
  if (password.length === 0) throw new WirelabError('BAD_ARGUMENT', 'the password is empty; give one with --password or type it when asked');
  return password;
}

export const usersCommand: CliCommand = {
  name: 'users',
  summary: 'add, list, change the password of, or delete the lab\'s users',
  usage: ['wirelab users list', 'wirelab users add ADDRESS [--password P]', 'wirelab users passwd ADDRESS [--password P]', 'wirelab users del ADDRESS'],
  options: { password: { type: 'string', help: 'the password (without it: asked for, or read from standard input)' } },
  async run({ positionals, values }, ctx) {
    const [action, address, extra] = positionals;
    const needsAddress = action === 'add' || action === 'passwd' || action === 'del';
    if (!action || !['list', 'add', 'passwd', 'del'].includes(action) || (needsAddress && !address) || extra !== undefined || (action === 'list' && address)) {
      ctx.err(`usage:\n  ${usersCommand.usage.join('\n  ')}`);
      return 2;
    }
    const directory = openDirectory(ctx);
    switch (action) {
      case 'list': {
        const users = directory.list();
        if (users.length === 0) ctx.out('no users yet (the demo accounts are created when the lab first starts)');
        else for (const line of table(['ADDRESS', 'MAILDIR', 'CREATED'], users.map((u) => [u.address, ctx.dataDir.maildirOf(u.address), u.created]))) ctx.out(line);
        return 0;
      }
      case 'add':
        checkDomain(ctx, address!);
        await directory.add(address!, await passwordFrom(values));
        ctx.out(`added ${address!.toLowerCase()}`);
        return 0;
      case 'passwd':
        await directory.setPassword(address!, await passwordFrom(values));
        ctx.out(`changed the password of ${address!.toLowerCase()}`);
        return 0;
      default:
        await directory.remove(address!);
        ctx.out(`deleted ${address!.toLowerCase()} (the mailbox stays in ${ctx.dataDir.maildirOf(address!)})`);
        return 0;
    }
  },
};
