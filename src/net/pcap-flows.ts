import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { CaptureFrame } from './pcapng.js';
import { MSS_IPV4, MSS_IPV6, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, tcpFrame, udpFrame, type Addressing } from './pcap-packets.js';
import type { OpenEvent, Side, TapEvent } from './tap-events.js';

export interface FlowOptions {
  /** The server port written in the frames (e.g. the protocol's standard port, so Wireshark picks the dissector). */
  serverPort?: number;
}

/** Events inside one conversation happen in order; synthesized packets with no event of their own are spaced by 1 µs. */
const STEP_US = 1;

function microseconds(at: number): number {
  return Math.round(at * 1000);
}

/** A stable initial sequence number per conversation and side, so the same transcript gives the same capture. */
function initialSequence(conn: string, side: Side): number {
  return createHash('sha256').update(`${conn}/${side}`).digest().readUInt32BE(0);
}

/**
 * One conversation as the frames a sniffer would have seen: for TCP the three-way handshake, the bytes of
 * each side cut into MSS-sized segments with their sequence and acknowledgment numbers, an ACK for each
 * burst, and the FIN exchange at the close; for UDP one datagram per message.
 */
export function conversationFrames(events: readonly TapEvent[], options: FlowOptions = {}): CaptureFrame[] {
  const open = events[0];
  if (open?.type !== 'open') return [];
  return open.transport === 'udp' ? udpFlow(open, events, options) : tcpFlow(open, events, options);
}

function endpoints(open: OpenEvent, options: FlowOptions): Record<Side, Addressing> {
  const serverPort = options.serverPort ?? open.server.port;
  return {
    client: { src: open.client.address, dst: open.server.address, srcPort: open.client.port, dstPort: serverPort },
    server: { src: open.server.address, dst: open.client.address, srcPort: serverPort, dstPort: open.client.port },
  };
}

function openingComment(open: OpenEvent, options: FlowOptions): string {
  const ports = options.serverPort !== undefined && options.serverPort !== open.server.port ? ` (the server's real port ${open.server.port} written as ${options.serverPort})` : '';
  return `wirelab conversation ${open.conn}: ${open.service} (${open.kind}) on ${open.host}${ports}`;
}

function udpFlow(open: OpenEvent, events: readonly TapEvent[], options: FlowOptions): CaptureFrame[] {
  const ends = endpoints(open, options);
  const frames: CaptureFrame[] = [];
  let comment: string | undefined = openingComment(open, options);
  let id = initialSequence(open.conn, 'client') & 0xffff;
  for (const event of events) {
    if (event.type !== 'data') continue;
    id += 1;
    frames.push({ timestampUs: microseconds(event.at), bytes: udpFrame(ends[event.from], event.bytes, id), ...(comment ? { comment } : {}) });
    comment = undefined;
  }
  return frames;
}

function tcpFlow(open: OpenEvent, events: readonly TapEvent[], options: FlowOptions): CaptureFrame[] {
  const ends = endpoints(open, options);
  const mss = isIPv4(open.client.address) ? MSS_IPV4 : MSS_IPV6;
  const next: Record<Side, number> = { client: initialSequence(open.conn, 'client'), server: initialSequence(open.conn, 'server') };
  const frames: CaptureFrame[] = [];
  let ipId = next.client & 0xffff;
  let pendingComment: string | undefined;
  let clock = microseconds(open.at);

  const emit = (from: Side, flags: number, at: number, payload?: Buffer, extra: { mss?: number; comment?: string } = {}): void => {
    const other: Side = from === 'client' ? 'server' : 'client';
    ipId += 1;
    clock = at > clock ? at : clock + STEP_US;
    const comment = extra.comment && pendingComment ? `${extra.comment} — ${pendingComment}` : (extra.comment ?? pendingComment);
    pendingComment = undefined;
    frames.push({
      timestampUs: clock,
      bytes: tcpFrame({ ...ends[from], seq: next[from], ack: next[other], flags, id: ipId, ...(payload ? { payload } : {}), ...(extra.mss ? { mss: extra.mss } : {}) }),
      ...(comment ? { comment } : {}),
    });
    next[from] = (next[from] + (payload?.length ?? 0) + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  };

  // The three-way handshake (RFC 9293 §3.5): SYN, SYN-ACK, ACK.
  emit('client', TCP_SYN, clock, undefined, { mss, comment: openingComment(open, options) });
  emit('server', TCP_SYN | TCP_ACK, clock, undefined, { mss });
  emit('client', TCP_ACK, clock);

  for (const event of events) {
    if (event.type === 'tls') {
      pendingComment = `TLS (${event.protocol}, ${event.cipher}) began here: on the real wire what follows was encrypted TLS records; wirelab writes the plaintext inside the tunnel, as the server read and wrote it`;
    } else if (event.type === 'data') {
      const at = microseconds(event.at);
      for (let offset = 0; offset < event.bytes.length; offset += mss) {
        const last = offset + mss >= event.bytes.length;
        emit(event.from, TCP_ACK | (last ? TCP_PSH : 0), at, event.bytes.subarray(offset, offset + mss));
      }
      if (event.omitted) {
        // Bytes the tap counted but did not keep: the sequence numbers jump, as over a capture that missed them.
        next[event.from] = (next[event.from] + event.omitted) >>> 0;
        pendingComment = `${event.omitted} bytes from the ${event.from} were not kept by the tap (its per-conversation limit)`;
      }
      if (event.bytes.length > 0) emit(event.from === 'client' ? 'server' : 'client', TCP_ACK, at);
    } else if (event.type === 'close') {
      // Who closed first is not in the transcript; the server's FIN first matches QUIT/LOGOUT.
      const at = microseconds(event.at);
      emit('server', TCP_FIN | TCP_ACK, at, undefined, { comment: `closed: ${event.reason}` });
      emit('client', TCP_FIN | TCP_ACK, at);
      emit('server', TCP_ACK, at);
    }
  }
  return frames;
}
