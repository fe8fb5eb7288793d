import { Rcode, rcodeName } from '../rcodes.js';
import { Flag, opcodeName, typeName } from '../wire/constants.js';
import { FormatError } from '../wire/errors.js';
import { decodeMessage, encodeMessage, emptyMessage, type DnsMessage } from '../wire/message.js';
import { readFastQuery, type FastQuery } from './fast-query.js';
import { findOperation } from './operations/index.js';
import { TCP_LIMIT, type PreparedAnswer } from './prepared.js';
import type { ServerDeps } from './operations/operation.js';
import { reply, type Client, type Reply, type Request } from './request.js';

/**
 * The server's brain, the same for UDP and TCP: the hot path answers a known question from a prepared
 * answer without decoding; everything else is decoded and passes one gate — a response is dropped, a
 * malformed packet gets FORMERR, an unknown opcode NOTIMP, EDNS version ≠ 0 BADVERS, a transfer over UDP
 * FORMERR — before its operation runs.
 */
export class DnsEngine {
  constructor(private readonly deps: ServerDeps) {}

  /**
   * The answer to a query asked before, straight from the answer cache, or undefined (then `handle`).
   * UDP floods take this path when the tap is not recording the exchange: no objects but the answer.
   */
  answerKnown(raw: Buffer, client: Client): Buffer | undefined {
    if (raw.length < 12 || (raw[2] as number) & 0x80) return undefined;
    const fast = readFastQuery(raw);
    const prepared = fast && this.deps.cache.get(fast.key);
    return fast && prepared ? this.answerFrom(prepared, raw, fast, client) : undefined;
  }

  handle(raw: Buffer, client: Client): Reply | Promise<Reply> {
    // Never answer a response (RFC 1035 §4.1.1, QR=1) nor a packet too short to carry a header: drop.
    if (raw.length < 12) return { messages: [], note: `dropped a ${raw.length}-byte packet: shorter than a DNS header` };
    if ((raw[2] as number) & 0x80) return { messages: [], note: 'dropped a packet with QR=1: a server does not answer responses' };
    const fast = readFastQuery(raw);
    if (fast) {
      const prepared = this.deps.cache.get(fast.key);
      if (prepared) return { messages: [this.answerFrom(prepared, raw, fast, client)], note: prepared.summary };
    }
    let message: DnsMessage;
    try {
      message = decodeMessage(raw);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      return { messages: [formErr(raw)], note: `FORMERR: ${err.message}` };
    }
    return this.dispatch({ raw, message, client, fast });
  }

  /** A prepared answer fitted to this query: its id, flags and question, and the client's size limit. */
  private answerFrom(prepared: PreparedAnswer, raw: Buffer, fast: FastQuery, client: Client): Buffer {
    const limit = client.transport === 'udp' ? fast.udpLimit : TCP_LIMIT;
    return prepared.answer(raw, fast.questionEnd, limit, this.deps.recursionAllowed(client.address), fast.dnssecOk);
  }

  private dispatch(request: Request): Reply | Promise<Reply> {
    const { message, client } = request;
    const question = message.questions[0];
    const operation = findOperation(message.opcode, question?.type);
    if (!operation) return reply(request, { rcode: Rcode.NOTIMP }, `${opcodeName(message.opcode)} → NOTIMP: opcode not implemented`);
    if (message.questions.length !== 1) return reply(request, { rcode: Rcode.FORMERR }, `${operation.name} with ${message.questions.length} questions → FORMERR (exactly one is allowed)`);
    if (message.edns && message.edns.version > 0) {
      return reply(request, { rcode: Rcode.BADVERS }, `EDNS version ${message.edns.version} → BADVERS (only version 0 exists)`);
    }
    if (!operation.transports.includes(client.transport)) {
      return reply(request, { rcode: Rcode.FORMERR }, `${operation.name} over ${client.transport.toUpperCase()} → FORMERR (only over ${operation.transports.join('/')})`);
    }
    const t = question?.type ?? 0;
    if (operation.name === 'QUERY' && (t === 0 || t === 41 || (t >= 128 && t < 255))) {
      return reply(request, { rcode: Rcode.FORMERR }, `QUERY for the meta-type ${typeName(t)} → FORMERR`);
    }
    return operation.handle(request, this.deps);
  }
}

/** A FORMERR for a packet that could not be decoded: its id and opcode, no question (RFC 1035 §4.1.1). */
function formErr(raw: Buffer): Buffer {
  const response = emptyMessage(raw.readUInt16BE(0));
  response.qr = true;
  response.opcode = ((raw[2] as number) >> 3) & 0xf;
  response.rd = ((raw[2] as number) & (Flag.RD >> 8)) !== 0;
  response.rcode = Rcode.FORMERR;
  return encodeMessage(response);
}

/** For the tap: `id 0x1fee QUERY NOERROR qr aa rd ra` and the four section counts, from the wire bytes. */
export function describeHeader(bytes: Buffer): string {
  if (bytes.length < 12) return `${bytes.length}-byte runt`;
  const flags = bytes.readUInt16BE(2);
  const names = (['QR', 'AA', 'TC', 'RD', 'RA', 'AD', 'CD'] as const).filter((f) => flags & Flag[f]).map((f) => f.toLowerCase());
  const counts = [4, 6, 8, 10].map((at) => bytes.readUInt16BE(at));
  return `id 0x${bytes.readUInt16BE(0).toString(16).padStart(4, '0')} ${opcodeName((flags >> 11) & 0xf)} ${rcodeName(flags & 0xf)} flags [${names.join(' ')}] QUERY ${counts[0]}, ANSWER ${counts[1]}, AUTHORITY ${counts[2]}, ADDITIONAL ${counts[3]}`;
}
