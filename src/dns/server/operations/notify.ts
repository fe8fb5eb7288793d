import { Rcode } from '../../rcodes.js';
import { Opcode } from '../../wire/constants.js';
import { canonicalName } from '../../wire/name.js';
import { reply } from '../request.js';
import type { Operation } from './operation.js';

/**
 * A primary's announcement that a zone changed (RFC 1996). Always answered with a NOTIFY response, or the
 * primary retries; a secondary then checks the primary's SOA and transfers if it is newer.
 */
export const notifyOperation: Operation = {
  name: 'NOTIFY',
  summary: 'a primary says a zone changed: a secondary refreshes its copy at once',
  rfc: 'RFC 1996',
  opcode: Opcode.NOTIFY,
  transports: ['udp', 'tcp'],
  handle(request, deps) {
    const origin = canonicalName(request.message.questions[0]?.name ?? '');
    const verdict = deps.receiveNotify(origin, request.client.address);
    switch (verdict) {
      case 'accepted':
        return reply(request, { rcode: Rcode.NOERROR, aa: true }, `NOTIFY ${origin} from ${request.client.address}: refreshing`);
      case 'not-from-primary':
        return reply(request, { rcode: Rcode.REFUSED }, `NOTIFY ${origin} from ${request.client.address} → REFUSED: not one of the zone's primaries`);
      case 'not-secondary':
        return reply(request, { rcode: Rcode.NOTAUTH }, `NOTIFY ${origin} → NOTAUTH: not a secondary zone here`);
    }
  },
};
