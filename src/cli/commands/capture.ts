import { writeFile } from 'node:fs/promises';
import { WirelabError } from '../../lab/errors.js';
import type { CliCommand } from '../command.js';
import { consoleUrl, requireRunningLab } from '../running-lab.js';

/** `wirelab capture`: the running lab's recent conversations as a pcapng file for Wireshark and tshark. */
export const captureCommand: CliCommand = {
  name: 'capture',
  summary: 'write recent conversations as a pcapng file for Wireshark/tshark (frames synthesized from the tap)',
  usage: ['wirelab capture --out lab.pcapng [--service smtp] [--since 10m] [--conversation ID] [--standard-ports]'],
  options: {
    out: { type: 'string', short: 'o', help: 'the file to write (required), e.g. lab.pcapng' },
    service: { type: 'string', help: 'only this service (name or kind, e.g. smtp)' },
    since: { type: 'string', help: 'only conversations that began in this window: 30s, 10m, 2h, 1d, or an ISO date' },
    conversation: { type: 'string', help: 'only this conversation (an id from `wirelab trace` or the console)' },
    'standard-ports': { type: 'boolean', help: 'write each server port as its protocol\'s standard one (25, 110, 143, 53…) so Wireshark decodes it without "Decode As"' },
  },
  async run({ values }, ctx) {
    const out = values.out;
    if (typeof out !== 'string' || out === '') throw new WirelabError('BAD_ARGUMENT', 'wirelab capture: give the file to write with --out FILE, e.g. --out lab.pcapng');
    const run = await requireRunningLab(ctx);
    const query = new URLSearchParams();
    for (const key of ['service', 'since'] as const) {
      const value = values[key];
      if (typeof value === 'string') query.set(key, value);
    }
    if (values['standard-ports']) query.set('standardPorts', '1');
    const conversation = values.conversation;
    const path = typeof conversation === 'string' ? `/api/conversations/${encodeURIComponent(conversation)}/capture.pcapng` : '/api/capture.pcapng';
    const url = `${consoleUrl(run)}${path}?${query.toString()}`;
    let res: Response;
    try {
      res = await fetch(url);
    } catch (err) {
      throw new WirelabError('LAB_NOT_RUNNING', `cannot reach the lab's console at ${url}: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const reason = ((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`;
      throw new WirelabError('BAD_ARGUMENT', `wirelab capture: ${reason}`);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    await writeFile(out, bytes);
    ctx.out(`wrote ${out} (${bytes.length} bytes). Open it in Wireshark, or: tshark -r ${out}${values['standard-ports'] ? '' : '  (lab ports are not the standard ones: add --standard-ports, or use Decode As)'}`);
    return 0;
  },
};
