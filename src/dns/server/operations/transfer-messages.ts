import { Rcode } from '../../rcodes.js';
import type { ResourceRecord } from '../../wire/rdata.js';
import { canonicalName } from '../../wire/name.js';
import { NameWriter } from '../../wire/writer.js';
import { reply, responseTo, type Reply, type Request } from '../request.js';
import type { ServerDeps } from './operation.js';
import type { Zone } from '../../zone/zone.js';
import { encodeMessage, writeRecord } from '../../wire/message.js';

/** Records per transfer message are packed up to this size, well under the 64 KiB limit (as BIND does). */
const TARGET_MESSAGE_BYTES = 16_000;

/** The zone a transfer asks for, after the checks every transfer shares: allowed client, zone served and loaded. */
export function transferZone(request: Request, deps: ServerDeps, kind: string): { zone: Zone } | { refused: Reply } {
  const question = request.message.questions[0];
  const origin = canonicalName(question?.name ?? '');
  if (!deps.transferAllowed(request.client.address)) {
    return { refused: reply(request, { rcode: Rcode.REFUSED }, `${kind} ${origin} from ${request.client.address} → REFUSED (not in allow-transfer)`) };
  }
  const served = deps.zones.get(origin);
  if (!served) return { refused: reply(request, { rcode: Rcode.NOTAUTH }, `${kind} ${origin} → NOTAUTH: not a zone served here`) };
  if (!served.zone) return { refused: reply(request, { rcode: Rcode.SERVFAIL }, `${kind} ${origin} → SERVFAIL: no copy of the zone yet`) };
  return { zone: served.zone };
}

/**
 * Splits a record stream into response messages (RFC 5936 §2.2): the question in the first only, AA on
 * every one, as many records per message as fit the target size.
 */
export function transferMessages(request: Request, records: readonly ResourceRecord[]): Buffer[] {
  const messages: Buffer[] = [];
  let batch: ResourceRecord[] = [];
  let batchBytes = 0;
  const flush = (): void => {
    const base = responseTo(request.message, { rcode: Rcode.NOERROR, aa: true, answers: batch });
    messages.push(encodeMessage(messages.length === 0 ? base : { ...base, questions: [] }));
    batch = [];
    batchBytes = 0;
  };
  for (const rr of records) {
    const size = recordSize(rr);
    if (batch.length > 0 && batchBytes + size > TARGET_MESSAGE_BYTES) flush();
    batch.push(rr);
    batchBytes += size;
  }
  if (batch.length > 0 || messages.length === 0) flush();
  return messages;
}

/** An upper bound of a record's encoded size (uncompressed). */
function recordSize(rr: ResourceRecord): number {
  const out = new NameWriter();
  writeRecord(out, rr);
  return out.offset;
}
