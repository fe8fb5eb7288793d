import { Flag } from '../wire/constants.js';
import { encodeMessage, type DnsMessage } from '../wire/message.js';

/** One encoded form of an answer, and where its OPT flags sit (to copy the DO bit), or -1. */
interface Variant {
  bytes: Buffer;
  optFlagsAt: number;
}

/**
 * An answer encoded once and sent many times (the hot path never re-encodes what it knows): the whole
 * answer, the answer without the additional section (dropping it needs no TC, RFC 2181 §9), and the
 * truncated form with TC set. Sending copies the bytes and patches the id, RD, CD and RA bits, the
 * question's case (RFC 4343 §4.1, 0x20 resolvers) and DO.
 */
export class PreparedAnswer {
  private readonly full: Variant;
  private readonly trimmed: Variant | undefined;
  private readonly truncated: Variant;

  constructor(
    message: DnsMessage,
    /** What the answer says, for the tap. */
    readonly summary: string,
  ) {
    const variant = (m: DnsMessage): Variant => {
      const bytes = encodeMessage(m);
      // Our OPT record carries no options, so it is the last 11 bytes and its flags start 4 from the end.
      return { bytes, optFlagsAt: m.edns ? bytes.length - 4 : -1 };
    };
    this.full = variant(message);
    this.trimmed = message.additionals.length > 0 ? variant({ ...message, additionals: [] }) : undefined;
    this.truncated = variant({ ...message, tc: true, answers: [], authorities: [], additionals: [] });
  }

  get size(): number {
    return this.full.bytes.length;
  }

  /** The reply to `query`, fitting `limit` bytes. */
  answer(query: Buffer, questionEnd: number, limit: number, recursionAvailable: boolean, dnssecOk: boolean): Buffer {
    const full = this.full;
    const v = full.bytes.length <= limit ? full : this.trimmed && this.trimmed.bytes.length <= limit ? this.trimmed : this.truncated;
    const out = Buffer.allocUnsafe(v.bytes.length);
    v.bytes.copy(out);
    out[0] = query[0] as number;
    out[1] = query[1] as number;
    out[2] = (v.bytes[2] as number) | ((query[2] as number) & (Flag.RD >> 8));
    out[3] = ((v.bytes[3] as number) & ~(Flag.RA | Flag.CD)) | (recursionAvailable ? Flag.RA : 0) | ((query[3] as number) & Flag.CD);
    query.copy(out, 12, 12, questionEnd);
    if (dnssecOk && v.optFlagsAt >= 0) out[v.optFlagsAt] = (out[v.optFlagsAt] as number) | 0x80;
    return out;
  }
}

/** TCP answers are never truncated below the 64 KiB a message can hold. */
export const TCP_LIMIT = 65535;

/**
 * Prepared answers by question (case-folded bytes) and EDNS use. Emptied whenever a zone changes, and
 * when it grows past its bound (a flood of random names must not grow memory without limit).
 */
export class AnswerCache {
  private entries = new Map<string, PreparedAnswer>();

  constructor(private readonly maxEntries = 20_000) {}

  get(key: string): PreparedAnswer | undefined {
    return this.entries.get(key);
  }

  set(key: string, answer: PreparedAnswer): void {
    if (this.entries.size >= this.maxEntries) this.entries = new Map();
    this.entries.set(key, answer);
  }

  clear(): void {
    this.entries = new Map();
  }
}
