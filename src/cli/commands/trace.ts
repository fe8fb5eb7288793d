import type { WireEvent } from '../../net/transcripts.js';
import { WirelabError } from '../../lab/errors.js';
import type { CliCommand } from '../command.js';
import { consoleUrl, requireRunningLab } from '../running-lab.js';
import { formatTraceEvent } from '../trace-format.js';

export const traceCommand: CliCommand = {
  name: 'trace',
  summary: 'follow live conversations in the terminal, as the seeds print them (S: / C:)',
  usage: ['wirelab trace [--service smtp] [--host st.um] [--user user1@st.um] [--show-secrets]'],
  options: {
    service: { type: 'string', help: 'only this service (name or kind, e.g. smtp)' },
    host: { type: 'string', help: 'only conversations with this lab host' },
    user: { type: 'string', help: 'only conversations of this user (shown from their first line once the user logs in)' },
    'show-secrets': { type: 'boolean', help: 'show passwords and AUTH responses as they crossed the wire, instead of ***' },
  },
  async run({ values }, ctx) {
    const run = await requireRunningLab(ctx);
    const query = new URLSearchParams();
    for (const key of ['service', 'host', 'user'] as const) {
      const value = values[key];
      if (typeof value === 'string') query.set(key, value);
    }
    if (values['show-secrets']) query.set('showSecrets', '1');
    const url = `${consoleUrl(run)}/api/events?${query.toString()}`;
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    let res: Response;
    try {
      res = await fetch(url, { signal: stop.signal });
    } catch (err) {
      throw new WirelabError('LAB_NOT_RUNNING', `cannot reach the lab's console at ${url}: ${(err as Error).message}`);
    }
    if (!res.ok || !res.body) throw new WirelabError('LAB_NOT_RUNNING', `the lab's console answered ${res.status} for ${url}`);
    ctx.err(`following conversations (Ctrl-C to stop)${values['show-secrets'] ? ' — secrets shown' : ''}`);
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of res.body) {
        pending += decoder.decode(chunk, { stream: true });
        let boundary: number;
        while ((boundary = pending.indexOf('\n\n')) !== -1) {
          const block = pending.slice(0, boundary);
          pending = pending.slice(boundary + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) for (const line of formatTraceEvent(JSON.parse(data) as WireEvent)) ctx.out(line);
        }
      }
    } catch (err) {
      if (!stop.signal.aborted) throw new WirelabError('LAB_NOT_RUNNING', `lost the lab's console: ${(err as Error).message}`);
    }
    return 0;
  },
};
