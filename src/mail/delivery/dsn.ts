import { rfc5322Date } from '../rfc5322-date.js';
import type { Failure } from '../queue/delivery-state.js';

/** One recipient's line in a notice: what happened, and when it was last tried. */
export interface NoticeRecipient {
  address: string;
  failure: Failure;
  lastAttemptAt?: number;
}

export interface NoticeInput {
  /** `failed`: the message could not be delivered to these recipients; `delayed`: it is still being retried. */
  action: 'failed' | 'delayed';
  /** The notice's own queue id. */
  id: string;
  /** The lab host that writes the notice (Reporting-MTA). */
  reportingHost: string;
  /** The original message's queue id and arrival. */
  queueId: string;
  arrivedAt: Date;
  /** Who is told: the original envelope sender. */
  to: string;
  recipients: NoticeRecipient[];
  /** The original message; its header section is returned (RFC 3462 text/rfc822-headers). */
  original: Buffer;
  now: Date;
  /** For a delay notice: how long the message has waited, and until when it is retried. */
  delayedFor?: string;
  retryUntil?: Date;
  lifetime?: string;
}

const ORIGINAL_HEADERS_LIMIT = 64 * 1024;

/**
 * A delivery status notification (RFC 3464) in a multipart/report (RFC 6522): the human text in
 * Postfix's words, the machine-readable message/delivery-status, and the original message's header
 * section. It is sent from the null sender, so nothing ever bounces a bounce (RFC 5321 §4.5.5).
 */
export function buildNotice(n: NoticeInput): Buffer {
  const boundary = `${n.id}.${Math.floor(n.now.getTime() / 1000)}/${n.reportingHost}`;
  const original = headerSectionOf(n.original);
  const eightBit = original.some((b) => b > 0x7f);
  const header = [
    `Received: by ${n.reportingHost} (wirelab) id ${n.id}; ${rfc5322Date(n.now)}`,
    `From: MAILER-DAEMON@${n.reportingHost} (Mail Delivery System)`,
    `To: <${n.to}>`,
    `Subject: ${n.action === 'failed' ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)'}`,
    `Date: ${rfc5322Date(n.now)}`,
    `Message-Id: <${n.id}.notice@${n.reportingHost}>`,
    // RFC 3834 §5: an automatic message; autoresponders must not answer it.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    `Content-Transfer-Encoding: ${eightBit ? '8bit' : '7bit'}`,
  ];
  const parts = [
    part(['Content-Description: Notification', 'Content-Type: text/plain; charset=us-ascii'], humanText(n)),
    part(['Content-Description: Delivery report', 'Content-Type: message/delivery-status'], deliveryStatus(n)),
    part(
      [
        `Content-Description: ${n.action === 'failed' ? 'Undelivered' : 'Delayed'} Message Headers`,
        'Content-Type: text/rfc822-headers',
        ...(eightBit ? ['Content-Transfer-Encoding: 8bit'] : []),
      ],
      '',
    ),
  ];
  return Buffer.concat([
    Buffer.from(`${header.join('\r\n')}\r\n\r\nThis is a MIME-encapsulated message.\r\n\r\n`),
    ...parts.flatMap((p, i) => [Buffer.from(`--${boundary}\r\n${p}`), ...(i === parts.length - 1 ? [original] : [])]),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

function part(headers: string[], body: string): string {
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

function humanText(n: NoticeInput): string {
  const lines = [`This is the mail system at host ${n.reportingHost}.`, ''];
  if (n.action === 'failed') {
    lines.push(
      "I'm sorry to have to inform you that your message could not",
      'be delivered to one or more recipients. It\'s attached below.',
      '',
      'For further assistance, please send mail to postmaster.',
      '',
      'If you do so, please include this problem report. You can',
      'delete your own text from the attached returned message.',
    );
  } else {
    lines.push(
      '####################################################################',
      '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
      '####################################################################',
      '',
      `Your message could not be delivered for more than ${n.delayedFor ?? 'a while'}.`,
      `It will be retried until it is ${n.lifetime ?? 'too'} old.`,
      '',
      'For further assistance, please send mail to postmaster.',
    );
  }
  lines.push('', '                   The mail system', '');
  for (const r of n.recipients) lines.push(...wrap(`<${r.address}>: ${r.failure.text}`), '');
  return `${lines.map(ascii).join('\r\n')}\r\n`;
}

/** RFC 3464 §2.2 (per message) and §2.3 (per recipient) fields. */
function deliveryStatus(n: NoticeInput): string {
  const fields = [`Reporting-MTA: dns; ${n.reportingHost}`, `X-Wirelab-Queue-ID: ${n.queueId}`, `Arrival-Date: ${rfc5322Date(n.arrivedAt)}`, ''];
  for (const r of n.recipients) {
    fields.push(`Final-Recipient: rfc822; ${r.address}`, `Action: ${n.action}`, `Status: ${n.action === 'delayed' && r.failure.status.startsWith('5') ? `4${r.failure.status.slice(1)}` : r.failure.status}`);
    if (r.failure.remoteMta) fields.push(`Remote-MTA: dns; ${r.failure.remoteMta}`);
    fields.push(...wrap(`Diagnostic-Code: ${r.failure.diagnostic ?? `X-Wirelab; ${r.failure.text}`}`));
    if (r.lastAttemptAt !== undefined) fields.push(`Last-Attempt-Date: ${rfc5322Date(new Date(r.lastAttemptAt))}`);
    if (n.action === 'delayed' && n.retryUntil) fields.push(`Will-Retry-Until: ${rfc5322Date(n.retryUntil)}`);
    fields.push('');
  }
  return `${fields.map(ascii).join('\r\n')}\r\n`;
}

/** Folds a long line at spaces, continuation lines indented (RFC 5322 §2.2.3 folding, fine in plain text too). */
function wrap(text: string, width = 76): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut));
    rest = `    ${rest.slice(cut + 1)}`;
  }
  out.push(rest);
  return out;
}

/** The notice's own text is 7-bit (RFC 3464 §2.1.2: the report fields are US-ASCII). */
function ascii(line: string): string {
  return line.replace(/[^\x20-\x7e\t]/g, '?');
}

/** The message's header section up to (not including) the blank line, CRLF-terminated, bounded. */
export function headerSectionOf(message: Buffer): Buffer {
  const blank = message.indexOf('\r\n\r\n');
  const end = blank === -1 ? message.length : blank + 2;
  return message.subarray(0, Math.min(end, ORIGINAL_HEADERS_LIMIT));
}
