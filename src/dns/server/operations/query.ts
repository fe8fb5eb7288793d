import { Rcode } from '../../rcodes.js';
import { Opcode, RrClass, typeName } from '../../wire/constants.js';
import { canonicalName } from '../../wire/name.js';
import { recordBrief } from '../../zone/rr-text.js';
import { lookupAuthoritative } from '../authority.js';
import { PreparedAnswer } from '../prepared.js';
import { reply, responseTo, sizeLimit, type Reply, type Request } from '../request.js';
import type { Operation, ServerDeps } from './operation.js';

/**
 * A standard query (RFC 1034 §4.3.2): answered from the zones served here with AA, or — for a client in
 * the local network that asked for recursion — forwarded; everyone else gets REFUSED for names outside
 * the lab's zones, so the server is never an open resolver (RFC 5358).
 */
export const queryOperation: Operation = {
  name: 'QUERY',
  summary: 'look up a name: answered from the zones served here, or forwarded for local clients',
  rfc: 'RFC 1034 §4.3.2, RFC 1035 §4.1',
  opcode: Opcode.QUERY,
  transports: ['udp', 'tcp'],
  handle(request, deps) {
    const question = request.message.questions[0];
    if (!question) return reply(request, { rcode: Rcode.FORMERR }, 'no question');
    const asked = `${question.name || '.'} ${typeName(question.type)}`;
    if (question.class !== RrClass.IN) return reply(request, { rcode: Rcode.REFUSED }, `${asked}: only class IN is served → REFUSED`);
    const ra = deps.recursionAllowed(request.client.address);
    const result = lookupAuthoritative(canonicalName(question.name), question.type, deps.zones);
    switch (result.kind) {
      case 'unavailable':
        return reply(request, { rcode: Rcode.SERVFAIL, ra }, `${asked} → SERVFAIL: no copy of zone ${result.origin} (secondary not loaded or expired)`);
      case 'answer': {
        const message = responseTo(request.message, { ...result, ra: false });
        const prepared = new PreparedAnswer(message, `${asked} → ${result.summary}`);
        if (!request.fast) return reply(request, { ...result, ra }, prepared.summary);
        deps.cache.set(request.fast.key, prepared);
        return {
          messages: [prepared.answer(request.raw, request.fast.questionEnd, sizeLimit(request), ra, request.fast.dnssecOk)],
          note: prepared.summary,
        };
      }
      case 'not-ours':
        return recurse(request, deps, asked, ra);
    }
  },
};

async function recurse(request: Request, deps: ServerDeps, asked: string, allowed: boolean): Promise<Reply> {
  if (!allowed) return reply(request, { rcode: Rcode.REFUSED }, `${asked} → REFUSED: not a zone served here, and ${request.client.address} may not use recursion`);
  if (!request.message.rd) return reply(request, { rcode: Rcode.REFUSED, ra: true }, `${asked} → REFUSED: not a zone served here, and recursion was not desired (RD=0)`);
  const question = request.message.questions[0] as NonNullable<(typeof request.message.questions)[0]>;
  const forwarded = await deps.forwarder.resolve(question);
  if (forwarded.kind === 'failed') return reply(request, { rcode: Rcode.SERVFAIL, ra: true }, `${asked} → SERVFAIL: ${forwarded.why}`);
  const { response, via } = forwarded;
  const summary = response.answers.length > 0 ? response.answers.map(recordBrief).join(', ') : response.rcode === Rcode.NXDOMAIN ? 'NXDOMAIN' : 'NODATA';
  return reply(request, { ...response, ra: true }, `${asked} → ${summary} (recursion via ${via})`);
}
