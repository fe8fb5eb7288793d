import { OutboundQueue } from '../../mail/queue/outbound-queue.js';
import type { CliCommand } from '../command.js';

/** `postqueue -p`'s layout, so people who know Postfix read it at a glance. */
export const queueCommand: CliCommand = {
  name: 'queue',
  summary: 'show the outbound mail queue (mail waiting for other domains)',
  usage: ['wirelab queue list'],
  async run({ positionals }, ctx) {
    const [action = 'list', extra] = positionals;
    if (action !== 'list' || extra !== undefined) {
      ctx.err(`usage:\n  ${queueCommand.usage.join('\n  ')}`);
      return 2;
    }
    const entries = await new OutboundQueue(ctx.dataDir.queue).list();
    if (entries.length === 0) {
      ctx.out('Mail queue is empty');
      return 0;
    }
    ctx.out('-Queue ID-    --Size-- ----Arrival Time---- -Sender/Recipient-------');
    let bytes = 0;
    for (const e of entries) {
      bytes += e.size;
      const arrival = new Date(e.receivedAt).toUTCString().slice(0, 25);
      ctx.out(`${e.id.padEnd(12)} ${String(e.size).padStart(9)} ${arrival.padEnd(20)} ${e.from || 'MAILER-DAEMON'}`);
      for (const r of e.recipients) ctx.out(`${''.padEnd(44)}${r}`);
      ctx.out('');
    }
    ctx.out(`-- ${Math.ceil(bytes / 1024)} Kbytes in ${entries.length} Request${entries.length === 1 ? '' : 's'}.`);
    return 0;
  },
};
