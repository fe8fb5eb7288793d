import { hasCommand, run, type RunResult } from '../helpers/run.js';

/** Whether mutt can be driven here: it needs a terminal, which script(1) provides. */
export function muttAvailable(): boolean {
  return hasCommand('mutt') && hasCommand('script');
}

/**
 * Runs mutt in batch on a Maildir: no user config, the given `push` keystrokes, no prompts
 * (pipe_split, wait_key=no, quit=yes, delete=yes), inside a pseudo-terminal from script(1).
 */
export function mutt(maildir: string, keys: string, options: { readOnly?: boolean } = {}): Promise<RunResult> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [
    'stty rows 40 cols 150;',
    'TERM=vt100 mutt -n -F /dev/null',
    options.readOnly ? '-R' : '',
    '-f',
    quote(maildir),
    '-e',
    quote('set pipe_split=yes wait_key=no quit=yes delete=yes mark_old=no'),
    '-e',
    quote(`push "${keys}<quit>"`),
  ].join(' ');
  return run('script', ['-qec', command, '/dev/null'], { timeoutMs: 30_000 });
}
