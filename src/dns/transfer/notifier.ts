import type { Logger } from '../../lab/logger.js';
import { TapConversation } from '../../net/tap.js';
import { exchangeUdp, buildQuery } from '../client.js';
import { rcodeName } from '../rcodes.js';
import { Opcode, RrClass, RrType } from '../wire/constants.js';
import { encodeMessage } from '../wire/message.js';
import type { Zone } from '../zone/zone.js';
import type { ServerAddress } from '../zone/zone-plan.js';

/** RFC 1996 §3.6: retry an unanswered NOTIFY a few times, a few seconds apart. */
const ATTEMPTS = 5;
const WAIT_MS = 2000;

export interface NotifierOptions {
  service: string;
  host: string;
  /** NOTIFY leaves from the server's own address (BIND's secondary ignores "notify from non-primary" otherwise). */
  localAddress: string;
  log: Logger;
  shutdown: AbortSignal;
}

/** Tells secondaries that a zone changed (RFC 1996 §3.7: NOTIFY with the new SOA in the answer section). */
export async function notifySecondaries(zone: Zone, targets: readonly ServerAddress[], options: NotifierOptions): Promise<void> {
  await Promise.all(targets.map((target) => notifyOne(zone, target, options)));
}

async function notifyOne(zone: Zone, target: ServerAddress, options: NotifierOptions): Promise<void> {
  const request = buildQuery({ name: zone.origin, type: RrType.SOA, class: RrClass.IN }, { opcode: Opcode.NOTIFY, aa: true, answers: [zone.soa] });
  const tap = new TapConversation({
    service: options.service,
    kind: 'dns',
    host: options.host,
    transport: 'udp',
    client: { address: options.localAddress, port: 0 },
    server: target,
  });
  tap.data('client', encodeMessage(request));
  try {
    for (let attempt = 1; attempt <= ATTEMPTS && !options.shutdown.aborted; attempt += 1) {
      try {
        const answer = await exchangeUdp(target, request, { localAddress: options.localAddress, timeoutMs: WAIT_MS });
        tap.data('server', encodeMessage(answer));
        tap.note('message', `NOTIFY ${zone.origin} serial ${zone.serial} → ${rcodeName(answer.rcode)}`);
        options.log.info(`NOTIFY ${zone.origin} serial ${zone.serial} to ${target.address}#${target.port}: ${rcodeName(answer.rcode)}`);
        return;
      } catch (err) {
        tap.note('info', `NOTIFY attempt ${attempt}: ${(err as Error).message}`);
      }
    }
    options.log.warn(`NOTIFY ${zone.origin} to ${target.address}#${target.port}: no answer after ${ATTEMPTS} attempts`);
  } finally {
    tap.close('done');
  }
}
