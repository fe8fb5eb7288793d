import { rfc5322Date } from './rfc5322-date.js';

export interface ReceiptFacts {
  id: string;
  helo: string;
  clientAddress: string;
  /** The lab host name at the client's address, when it is one of the lab's hosts. */
  clientName?: string;
  receivedBy: string;
  /** RFC 3848: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA. */
  protocol: string;
  user?: string;
  tls?: { protocol: string; cipher: string };
  /** Named in the header only when there is exactly one, as Postfix does, so Bcc recipients stay hidden. */
  recipients: string[];
  at: Date;
}

/** The Received header an MTA prepends (RFC 5321 §4.4), in Postfix's layout. */
export function receivedHeader(f: ReceiptFacts): string {
  const lines = [`Received: from ${f.helo} (${f.clientName ?? 'unknown'} [${f.clientAddress}])`];
  if (f.tls) lines.push(`\t(using ${f.tls.protocol} with cipher ${f.tls.cipher})`);
  if (f.user) lines.push(`\t(Authenticated sender: ${f.user})`);
  lines.push(`\tby ${f.receivedBy} (wirelab) with ${f.protocol} id ${f.id}`);
  const when = rfc5322Date(f.at);
  lines.push(f.recipients.length === 1 ? `\tfor <${f.recipients[0]}>; ${when}` : `\t; ${when}`);
  return `${lines.join('\r\n')}\r\n`;
}

const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;

/** Names (lower case) of the fields in the message's header section, and whether it has one at all. */
export function headerSection(message: Buffer): { names: Set<string>; hasHeader: boolean } {
  const names = new Set<string>();
  let offset = 0;
  let lines = 0;
  while (offset < message.length && lines < 10_000) {
    const lf = message.indexOf(0x0a, offset);
    const end = lf === -1 ? message.length : lf + 1;
    const line = message.subarray(offset, Math.min(end, offset + 200)).toString('latin1');
    if (line === '\r\n' || line === '\n') break;
    const isContinuation = (line.startsWith(' ') || line.startsWith('\t')) && lines > 0;
    if (!isContinuation) {
      const match = HEADER_LINE.exec(line);
      if (!match) return { names, hasHeader: lines > 0 };
      names.add(match[0].slice(0, -1).toLowerCase());
    }
    lines += 1;
    offset = end;
  }
  return { names, hasHeader: lines > 0 };
}
