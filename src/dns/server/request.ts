import { CLASSIC_UDP_PAYLOAD, MAX_UDP_PAYLOAD } from '../wire/constants.js';
import { encodeMessage, type DnsMessage } from '../wire/message.js';
import type { ResourceRecord } from '../wire/rdata.js';
import type { FastQuery } from './fast-query.js';
import { TCP_LIMIT } from './prepared.js';

export type Transport = 'udp' | 'tcp';

export interface Client {
  address: string;
  port: number;
  transport: Transport;
}

/** A decoded request and where it came from. */
export interface Request {
  raw: Buffer;
  message: DnsMessage;
  client: Client;
  /** Present when the query was simple enough for the hot path: its answer can be prepared and cached. */
  fast: FastQuery | undefined;
}

/** What goes back: zero messages (a dropped packet), one, or several (a zone transfer); and a note for the tap. */
export interface Reply {
  messages: Buffer[];
  note: string;
}

export interface ReplyParts {
  rcode: number;
  aa?: boolean;
  ra?: boolean;
  answers?: ResourceRecord[];
  authorities?: ResourceRecord[];
  additionals?: ResourceRecord[];
}

/** The largest answer this request may get: TCP's 64 KiB, or the UDP size it advertised (RFC 6891 §6.2.5). */
export function sizeLimit(request: Request): number {
  if (request.client.transport === 'tcp') return TCP_LIMIT;
  const edns = request.message.edns;
  if (!edns) return CLASSIC_UDP_PAYLOAD;
  return Math.min(Math.max(edns.udpPayloadSize, CLASSIC_UDP_PAYLOAD), MAX_UDP_PAYLOAD);
}

/**
 * The response message for a request: same id, opcode, RD and CD, the question echoed as asked, an OPT
 * record only if the query had one (RFC 6891 §7).
 */
export function responseTo(query: DnsMessage, parts: ReplyParts): DnsMessage {
  return {
    id: query.id,
    qr: true,
    opcode: query.opcode,
    aa: parts.aa ?? false,
    tc: false,
    rd: query.rd,
    ra: parts.ra ?? false,
    ad: false,
    cd: query.cd,
    rcode: parts.rcode,
    questions: query.questions.slice(0, 1),
    answers: parts.answers ?? [],
    authorities: parts.authorities ?? [],
    additionals: parts.additionals ?? [],
    ...(query.edns ? { edns: { udpPayloadSize: MAX_UDP_PAYLOAD, version: 0, dnssecOk: query.edns.dnssecOk, options: [] } } : {}),
  };
}

/** Encodes a response within `limit`: the additional section goes first, then TC with empty sections (RFC 2181 §9). */
export function encodeWithin(message: DnsMessage, limit: number): Buffer {
  const full = encodeMessage(message);
  if (full.length <= limit) return full;
  const trimmed = encodeMessage({ ...message, additionals: [] });
  if (trimmed.length <= limit) return trimmed;
  return encodeMessage({ ...message, tc: true, answers: [], authorities: [], additionals: [] });
}

export function reply(request: Request, parts: ReplyParts, note: string): Reply {
  return { messages: [encodeWithin(responseTo(request.message, parts), sizeLimit(request))], note };
}
