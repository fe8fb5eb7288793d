import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { connect, isIPv6 } from 'node:net';
import { MAX_UDP_PAYLOAD, Opcode, RrClass } from './wire/constants.js';
import { decodeMessage, emptyMessage, encodeMessage, type DnsMessage, type Question } from './wire/message.js';
import { FrameReader, frame } from './wire/tcp-frames.js';
import type { ServerAddress } from './zone/zone-plan.js';

/** A query that got no usable answer: timeout, connection refused, a reply that does not match. */
export class DnsClientError extends Error {
  constructor(
    readonly server: ServerAddress,
    message: string,
  ) {
    super(`${server.address}#${server.port}: ${message}`);
    this.name = 'DnsClientError';
  }
}

export interface QueryOptions {
  /** The address to send from (a lab server sends from its own host address, CLIENT-NOTES "DNS"). */
  localAddress?: string;
  recursionDesired?: boolean;
  timeoutMs?: number;
  /** Go straight to TCP (transfers, or after a truncated UDP answer). */
  tcp?: boolean;
  opcode?: number;
  /** Records for the answer section (NOTIFY carries the new SOA, RFC 1996 §3.7). */
  answers?: DnsMessage['answers'];
  /** Records for the authority section (IXFR carries the client's SOA, RFC 1995 §3). */
  authorities?: DnsMessage['authorities'];
  aa?: boolean;
}

export function buildQuery(question: Question, options: QueryOptions = {}): DnsMessage {
  const message = emptyMessage(randomInt(0, 0x10000));
  message.opcode = options.opcode ?? Opcode.QUERY;
  message.rd = options.recursionDesired ?? false;
  message.aa = options.aa ?? false;
  message.questions = [{ ...question, class: question.class || RrClass.IN }];
  message.answers = options.answers ?? [];
  message.authorities = options.authorities ?? [];
  if (message.opcode === Opcode.QUERY) message.edns = { udpPayloadSize: MAX_UDP_PAYLOAD, version: 0, dnssecOk: false, options: [] };
  return message;
}

/** Asks one server one question: UDP first, TCP when the answer is truncated (RFC 7766 §5). */
export async function query(server: ServerAddress, question: Question, options: QueryOptions = {}): Promise<DnsMessage> {
  const request = buildQuery(question, options);
  if (!options.tcp) {
    const answer = await exchangeUdp(server, request, options);
    if (!answer.tc) return answer;
  }
  const [answer] = await exchangeTcp(server, request, options, () => true);
  return answer as DnsMessage;
}

function checkReply(server: ServerAddress, request: DnsMessage, reply: DnsMessage): void {
  const q = request.questions[0];
  const r = reply.questions[0];
  if (!reply.qr || reply.id !== request.id) throw new DnsClientError(server, 'reply does not match the query id');
  if (q && r && (r.name.toLowerCase() !== q.name.toLowerCase() || r.type !== q.type)) throw new DnsClientError(server, 'reply is for another question');
}

export function exchangeUdp(server: ServerAddress, request: DnsMessage, options: QueryOptions = {}): Promise<DnsMessage> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server.address) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(new DnsClientError(server, `no answer over UDP in ${options.timeoutMs ?? 2000} ms`)), options.timeoutMs ?? 2000);
    const finish = (result: DnsMessage | Error): void => {
      clearTimeout(timer);
      socket.close();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    socket.on('error', (err) => finish(new DnsClientError(server, err.message)));
    socket.on('message', (bytes, rinfo) => {
      if (rinfo.address !== server.address || rinfo.port !== server.port) return;
      try {
        const reply = decodeMessage(bytes);
        if (!reply.qr || reply.id !== request.id) return; // a stray or spoofed packet: keep waiting
        checkReply(server, request, reply);
        finish(reply);
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.bind({ address: options.localAddress, port: 0 }, () => {
      socket.send(encodeMessage(request), server.port, server.address, (err) => {
        if (err) finish(new DnsClientError(server, err.message));
      });
    });
  });
}

/**
 * Sends one query over TCP and reads replies until `more` says the exchange is complete (a zone
 * transfer spans several messages, RFC 5936 §2.2).
 */
export function exchangeTcp(
  server: ServerAddress,
  request: DnsMessage,
  options: QueryOptions,
  done: (reply: DnsMessage, all: DnsMessage[]) => boolean,
): Promise<DnsMessage[]> {
  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const socket = connect({ host: server.address, port: server.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    const reader = new FrameReader();
    const replies: DnsMessage[] = [];
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(replies);
    };
    socket.setTimeout(timeoutMs, () => finish(new DnsClientError(server, `no answer over TCP in ${timeoutMs} ms`)));
    socket.on('error', (err) => finish(new DnsClientError(server, err.message)));
    socket.on('close', () => finish(new DnsClientError(server, 'connection closed before the answer was complete')));
    socket.on('connect', () => socket.write(frame(encodeMessage(request))));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const bytes of reader.push(chunk)) {
          const reply = decodeMessage(bytes);
          if (replies.length === 0) checkReply(server, request, reply);
          else if (reply.id !== request.id) throw new DnsClientError(server, 'reply does not match the query id');
          replies.push(reply);
          if (done(reply, replies)) return finish();
        }
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}
