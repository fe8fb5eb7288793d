import type { Explanation } from '../api-types.js';

/** What each header field of a message means (the seeds' table), and where it is defined. */
export const MAIL_HEADERS: Record<string, Explanation> = {
  'return-path': { term: 'Return-Path', meaning: 'The envelope sender (MAIL FROM), added at final delivery: where bounces go. It can differ from From.', rfc: 'RFC 5321 §4.4, RFC 5322 §3.6.7' },
  received: { term: 'Received', meaning: 'A trace line each server adds on top when it takes the message: from whom, by whom, with which protocol, when. Read them bottom-up to follow the path.', rfc: 'RFC 5321 §4.4, RFC 5322 §3.6.7' },
  'delivered-to': { term: 'Delivered-To', meaning: 'The mailbox the message was finally delivered into (added by the delivery agent, not standard).', rfc: 'Postfix/Dovecot convention' },
  from: { term: 'From', meaning: 'The author(s) of the message, as the writer claims — not checked by SMTP itself.', rfc: 'RFC 5322 §3.6.2' },
  sender: { term: 'Sender', meaning: 'Who actually sent it, when not the author (a secretary sending for a boss).', rfc: 'RFC 5322 §3.6.2' },
  'reply-to': { term: 'Reply-To', meaning: 'Where replies should go instead of From.', rfc: 'RFC 5322 §3.6.2' },
  to: { term: 'To', meaning: 'The primary recipients, as the author addressed them. The envelope (RCPT TO) decides who really gets it.', rfc: 'RFC 5322 §3.6.3' },
  cc: { term: 'Cc', meaning: 'Carbon copy: other recipients, visible to everyone.', rfc: 'RFC 5322 §3.6.3' },
  bcc: { term: 'Bcc', meaning: 'Blind carbon copy: recipients the others must not see; normally removed before sending, so rarely seen in a received message.', rfc: 'RFC 5322 §3.6.3' },
  subject: { term: 'Subject', meaning: 'The topic of the message.', rfc: 'RFC 5322 §3.6.5' },
  date: { term: 'Date', meaning: 'When the author’s program finished writing the message (not when it arrived).', rfc: 'RFC 5322 §3.6.1' },
  'message-id': { term: 'Message-ID', meaning: 'A unique identifier of this message, made by the author’s program.', rfc: 'RFC 5322 §3.6.4' },
  'in-reply-to': { term: 'In-Reply-To', meaning: 'The Message-ID of the message this one answers.', rfc: 'RFC 5322 §3.6.4' },
  references: { term: 'References', meaning: 'The Message-IDs of the thread so far.', rfc: 'RFC 5322 §3.6.4' },
  comments: { term: 'Comments', meaning: 'Free comments about the message.', rfc: 'RFC 5322 §3.6.5' },
  keywords: { term: 'Keywords', meaning: 'Keywords about the message.', rfc: 'RFC 5322 §3.6.5' },
  'mime-version': { term: 'MIME-Version', meaning: 'The body follows MIME (always 1.0): it may have parts, charsets and attachments.', rfc: 'RFC 2045 §4' },
  'content-type': { term: 'Content-Type', meaning: 'What the body is: text/plain, text/html, multipart/mixed (with attachments)…, and its charset.', rfc: 'RFC 2045 §5' },
  'content-transfer-encoding': { term: 'Content-Transfer-Encoding', meaning: 'How the body was made safe for SMTP: 7bit, 8bit, quoted-printable or base64.', rfc: 'RFC 2045 §6' },
  'content-disposition': { term: 'Content-Disposition', meaning: 'Show the part inline or as an attachment (with its file name).', rfc: 'RFC 2183' },
  'x-mailer': { term: 'X-Mailer', meaning: 'The program that wrote the message (X- fields are not standardized).', rfc: 'RFC 822 §4.7.4 (extension fields)' },
  'user-agent': { term: 'User-Agent', meaning: 'The program that wrote the message.', rfc: 'convention (RFC 9110 §10.1.5 for HTTP)' },
  'resent-from': { term: 'Resent-From', meaning: 'Who re-sent (forwarded as is) the message.', rfc: 'RFC 5322 §3.6.6' },
  'resent-to': { term: 'Resent-To', meaning: 'To whom it was re-sent.', rfc: 'RFC 5322 §3.6.6' },
  'resent-date': { term: 'Resent-Date', meaning: 'When it was re-sent.', rfc: 'RFC 5322 §3.6.6' },
  'authentication-results': { term: 'Authentication-Results', meaning: 'What the receiving server concluded about SPF, DKIM and DMARC.', rfc: 'RFC 8601' },
  'dkim-signature': { term: 'DKIM-Signature', meaning: 'A signature by the sending domain over some headers and the body.', rfc: 'RFC 6376' },
};

export function explainHeader(name: string): Explanation | undefined {
  const known = MAIL_HEADERS[name.toLowerCase()];
  if (known) return known;
  if (/^x-/i.test(name)) return { term: name, meaning: 'An extension field added by some program; it has no standard meaning.', rfc: 'RFC 822 §4.7.4' };
  return undefined;
}
