import { WirelabError } from '../../lab/errors.js';
import type { LabRunFile } from '../../lab/lab.js';
import { DeliveryRecords, freshRecord, isFinal, type RecipientState } from '../../mail/queue/delivery-state.js';
import { isQueueId, OutboundQueue } from '../../mail/queue/outbound-queue.js';
import { ownerOf } from '../../mail/queue/owner.js';
import { QueueAdmin, type QueueAnswer, type QueueRequest } from '../../mail/queue/queue-admin.js';
import { QueueControl } from '../../mail/queue/queue-control.js';
import type { CliCommand, CliContext } from '../command.js';
import { findRunningLab } from '../running-lab.js';

/** How long to wait for a running delivery agent to carry out a request (it may be mid-delivery of that message). */
const ANSWER_TIMEOUT_MS = 30_000;

const USAGE = [
  'wirelab queue list                 the queue as postqueue -p shows it, with why each recipient waits',
  'wirelab queue show ID              one message: envelope, every recipient\'s state, the message itself',
  'wirelab queue flush                try every waiting message now (postqueue -f)',
  'wirelab queue retry ID             try one message now (postqueue -i ID)',
  'wirelab queue delete ID            remove a message without telling anyone (postsuper -d ID)',
  'wirelab queue bounce ID            give up now: the sender gets a DSN',
];

export const queueCommand: CliCommand = {
  name: 'queue',
  summary: 'the outbound mail queue: list, show, flush, retry, delete, bounce (like postqueue/postsuper)',
  usage: USAGE,
  async run({ positionals }, ctx) {
    const [action = 'list', id, extra] = positionals;
    const needsId = action === 'show' || action === 'retry' || action === 'delete' || action === 'bounce';
    const known = needsId || action === 'list' || action === 'flush';
    if (!known || extra !== undefined || needsId !== (id !== undefined)) {
      ctx.err(`usage:\n  ${USAGE.join('\n  ')}`);
      return 2;
    }
    if (id !== undefined && !isQueueId(id)) throw new WirelabError('BAD_ARGUMENT', `${id} is not a queue id (12 hex digits, as \`wirelab queue list\` shows them)`);
    const queue = new OutboundQueue(ctx.dataDir.queue);
    const records = new DeliveryRecords(ctx.dataDir.queue);
    switch (action) {
      case 'list':
        return list(ctx, queue, records);
      case 'show':
        return show(ctx, queue, records, id!);
      case 'flush':
        return flush(ctx, queue, records);
      default:
        return perMessage(ctx, queue, records, { action: action as 'retry' | 'delete' | 'bounce', id: id! });
    }
  },
};

/** `postqueue -p`'s layout, so people who know Postfix read it at a glance; deferred recipients under their reason. */
async function list(ctx: CliContext, queue: OutboundQueue, records: DeliveryRecords): Promise<number> {
  const entries = await queue.list();
  if (entries.length === 0) {
    ctx.out('Mail queue is empty');
    return 0;
  }
  ctx.out('-Queue ID-    --Size-- ----Arrival Time---- -Sender/Recipient-------');
  let bytes = 0;
  for (const e of entries) {
    bytes += e.size;
    const record = (await records.load(e.id)) ?? freshRecord(e);
    const waiting = record.recipients.filter((r) => !isFinal(r));
    const arrival = new Date(e.receivedAt).toUTCString().slice(0, 25);
    ctx.out(`${e.id.padEnd(12)} ${String(e.size).padStart(9)} ${arrival.padEnd(20)} ${e.from || 'MAILER-DAEMON'}  (at ${ownerOf(e, ctx.config)})`);
    for (const r of waiting) {
      if (r.status === 'deferred') ctx.out(`(${r.failure.text})`);
      ctx.out(`${''.padEnd(44)}${r.address}`);
    }
    ctx.out('');
  }
  ctx.out(`-- ${Math.ceil(bytes / 1024)} Kbytes in ${entries.length} Request${entries.length === 1 ? '' : 's'}.`);
  return 0;
}

/** `postcat -q ID` in spirit: the envelope, what happened to each recipient, then the message. */
async function show(ctx: CliContext, queue: OutboundQueue, records: DeliveryRecords, id: string): Promise<number> {
  const queued = await queue.read(id);
  if (!queued) throw new WirelabError('BAD_ARGUMENT', `${id}: no such message in the queue (\`wirelab queue list\` shows what is there)`);
  const { envelope, message } = queued;
  const record = (await records.load(id)) ?? freshRecord(envelope);
  ctx.out(`*** ENVELOPE ${id} ***`);
  ctx.out(`arrival:     ${new Date(envelope.receivedAt).toUTCString()}`);
  ctx.out(`size:        ${envelope.size}`);
  ctx.out(`sender:      ${envelope.from ? `<${envelope.from}>` : '<> (a delivery notice)'}`);
  ctx.out(`queued at:   ${ownerOf(envelope, ctx.config)} (its delivery agent sends it on)`);
  for (const r of record.recipients) {
    ctx.out(`recipient:   <${r.address}>`);
    ctx.out(`  status:    ${describe(r)}`);
    if (r.status === 'deferred' || r.status === 'bounced') ctx.out(`  reason:    ${r.failure.status} ${r.failure.text}`);
    if (r.status === 'delivered') ctx.out(`  reply:     ${r.reply}`);
  }
  if (record.delayWarned) ctx.out('notice:      the sender was told the message is delayed');
  ctx.out(`*** MESSAGE ${id} ***`);
  ctx.out(message.toString('utf8').replace(/\r\n/g, '\n').replace(/\n$/, ''));
  ctx.out(`*** END OF MESSAGE ${id} ***`);
  return 0;
}

function describe(r: RecipientState): string {
  switch (r.status) {
    case 'pending':
      return 'not tried yet';
    case 'deferred':
      return `deferred after ${r.attempts} ${r.attempts === 1 ? 'try' : 'tries'}; next try ${new Date(r.nextAttemptAt).toUTCString()}`;
    case 'delivered':
      return `delivered to ${r.remote} at ${new Date(r.at).toUTCString()}`;
    case 'bounced':
      return `bounced at ${new Date(r.at).toUTCString()}${r.notified ? '; the sender was notified' : '; the notice is about to be sent'}`;
  }
}

async function flush(ctx: CliContext, queue: OutboundQueue, records: DeliveryRecords): Promise<number> {
  const run = await findRunningLab(ctx);
  const agents = agentHosts(run);
  const admin = new QueueAdmin(queue, records);
  // Messages of hosts without a running agent are marked due here; the agents do their own.
  let marked = 0;
  const everyHostHasAgent = ctx.config.hosts.every((h) => agents.has(h.name.toLowerCase()));
  for (const envelope of everyHostHasAgent ? [] : await queue.list()) {
    if (agents.has(ownerOf(envelope, ctx.config))) continue;
    await admin.retry(envelope.id);
    marked += 1;
  }
  if (marked > 0) ctx.out(`${marked} message(s) will be tried as soon as their host's delivery agent runs`);
  let failed = false;
  for (const host of agents) {
    const answer = await ask(ctx, host, { action: 'flush' });
    ctx.out(answer.text);
    failed ||= !answer.ok;
  }
  if (marked === 0 && agents.size === 0) ctx.out('Mail queue is empty');
  return failed ? 1 : 0;
}

async function perMessage(ctx: CliContext, queue: OutboundQueue, records: DeliveryRecords, request: Extract<QueueRequest, { id: string }>): Promise<number> {
  const envelope = await queue.envelope(request.id);
  if (!envelope) {
    ctx.err(`${request.id}: no such message in the queue`);
    return 1;
  }
  const host = ownerOf(envelope, ctx.config);
  const answer = agentHosts(await findRunningLab(ctx)).has(host)
    ? await ask(ctx, host, request)
    : await new QueueAdmin(queue, records)[request.action](request.id);
  (answer.ok ? ctx.out : ctx.err)(answer.text);
  return answer.ok ? 0 : 1;
}

/** Hands a request to the running agent of `host` and waits for its answer. */
async function ask(ctx: CliContext, host: string, request: QueueRequest): Promise<QueueAnswer> {
  const control = new QueueControl(ctx.dataDir.queue);
  const requestId = await control.submit(host, request);
  const answer = await control.answerOf(host, requestId, ANSWER_TIMEOUT_MS);
  return (
    answer ?? {
      ok: false,
      text: `${host}: the delivery agent did not answer within ${ANSWER_TIMEOUT_MS / 1000} s; the request stays in its queue and is carried out when it gets to it`,
    }
  );
}

/** The hosts whose delivery agent runs in the lab started with this data directory. */
function agentHosts(run: LabRunFile | undefined): Set<string> {
  return new Set((run?.services ?? []).filter((s) => s.kind === 'delivery').map((s) => s.host.toLowerCase()));
}
