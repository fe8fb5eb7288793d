import { parseAddressList, type EnvelopeAddress } from './address.js';
import { headerValue, type HeaderField } from './header.js';

/**
 * ENVELOPE (RFC 3501 §7.4.2): header values unfolded but not decoded (encoded words stay as sent),
 * one character per byte. Absent fields are null.
 */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

export function buildEnvelope(fields: readonly HeaderField[]): Envelope {
  const text = (key: string): string | null => {
    const value = headerValue(fields, key);
    return value === undefined || value === '' ? null : value;
  };
  const addresses = (key: string): EnvelopeAddress[] | null => {
    const value = headerValue(fields, key);
    if (value === undefined) return null;
    const list = parseAddressList(value);
    return list.length > 0 ? list : null;
  };
  const from = addresses('from');
  return {
    date: text('date'),
    subject: text('subject'),
    from,
    // "If the Sender or Reply-To lines are absent … or are present but empty, the server sets the
    // corresponding member of the envelope to be the same value as the from member" (RFC 3501 §7.4.2).
    sender: addresses('sender') ?? from,
    replyTo: addresses('reply-to') ?? from,
    to: addresses('to'),
    cc: addresses('cc'),
    bcc: addresses('bcc'),
    inReplyTo: text('in-reply-to'),
    messageId: text('message-id'),
  };
}
