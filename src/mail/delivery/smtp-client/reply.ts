/** A server's reply as the client reads it (RFC 5321 §4.2): one code, one or more lines of text. */
export interface SmtpReply {
  code: number;
  /** The text of each line, after the code and its separator. */
  lines: string[];
}

/** RFC 5321 §4.2.1: 2yz done, 3yz go on, 4yz try later, 5yz never. */
export type ReplyClass = 'positive' | 'intermediate' | 'transient' | 'permanent';

export function classOf(reply: SmtpReply): ReplyClass {
  if (reply.code >= 500) return 'permanent';
  if (reply.code >= 400) return 'transient';
  if (reply.code >= 300) return 'intermediate';
  return 'positive';
}

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

/**
 * The enhanced status (RFC 3463) of a reply, taken from its text when the server gave one whose class
 * agrees with the code, else the generic one for the code's class (RFC 3463 §3: X.0.0).
 */
export function enhancedStatus(reply: SmtpReply, fallback?: string): string {
  const match = ENHANCED.exec(reply.lines[0] ?? '');
  if (match && Number(match[1]) === Math.floor(reply.code / 100)) return match[0];
  if (fallback && fallback[0] === String(Math.floor(reply.code / 100))) return fallback;
  return `${Math.floor(reply.code / 100)}.0.0`;
}

/** The reply on one line, as Postfix quotes it in logs and bounces: `550 5.1.1 <x@y>: User unknown`. */
export function replyText(reply: SmtpReply): string {
  return `${reply.code} ${reply.lines.join(' ')}`.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 900);
}

/** The ESMTP extensions a server listed in its EHLO reply (RFC 5321 §4.1.1.1), keyword → parameters. */
export class Extensions {
  private readonly byName = new Map<string, string[]>();

  constructor(ehloReply?: SmtpReply) {
    for (const line of ehloReply?.lines.slice(1) ?? []) {
      const [keyword, ...params] = line.trim().split(/\s+/);
      if (keyword) this.byName.set(keyword.toUpperCase(), params);
    }
  }

  has(keyword: string): boolean {
    return this.byName.has(keyword);
  }

  params(keyword: string): string[] {
    return this.byName.get(keyword) ?? [];
  }

  /** The SIZE limit (RFC 1870), when the server declared a non-zero one. */
  get maxSize(): number | undefined {
    const value = Number(this.params('SIZE')[0]);
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  }

  /** AUTH mechanisms on offer (RFC 4954), upper case. */
  get authMechanisms(): string[] {
    return this.params('AUTH').map((m) => m.toUpperCase());
  }
}
