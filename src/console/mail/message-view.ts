import type { TranscriptStore } from '../../net/transcripts.js';
import { parseHeader, type HeaderField } from '../../mail/mime/header.js';
import { decodeHeaderValue } from '../../mail/mime/encoded-words.js';
import type { MessageInfo } from '../../mail/store/index.js';
import type { HeaderExplained, Hop, MessageDetail, MessageSummary } from '../api-types.js';
import { explainHeader } from '../explain/mail-headers.js';

function fieldValue(fields: readonly HeaderField[], key: string): string {
  const field = fields.find((f) => f.key === key);
  return field ? decodeText(field.value) : '';
}

/** Header values are kept one byte per character; decode UTF-8 and RFC 2047 words for people to read. */
function decodeText(latin1: string): string {
  const utf8 = Buffer.from(latin1, 'latin1').toString('utf8');
  return decodeHeaderValue(utf8.includes('\uFFFD') ? latin1 : utf8);
}

export function messageSummary(folder: string, info: MessageInfo, bytes: Buffer): MessageSummary {
  const { fields } = parseHeader(bytes, 0, bytes.length);
  return {
    uid: info.uid,
    folder,
    from: fieldValue(fields, 'from'),
    to: fieldValue(fields, 'to'),
    subject: fieldValue(fields, 'subject'),
    date: fieldValue(fields, 'date'),
    internalDate: info.internalDate.toISOString(),
    size: info.size,
    flags: [...info.flags],
  };
}

/**
 * One Received field as a hop: `from HELO (name [ip]) by HOST (…) with PROTO id ID for <rcpt>; date`
 * (RFC 5321 §4.4). Linked to the conversations whose tap note says the message was queued under that id.
 */
function hopOf(value: string, transcripts: TranscriptStore): Hop {
  const [clauses = '', date] = value.split(/;(?=[^;]*$)/);
  const from = /\bfrom\s+(.+?)\s+(?=by\s)/i.exec(clauses)?.[1] ?? '';
  const by = /\bby\s+(\S+)/i.exec(clauses)?.[1] ?? '';
  const protocol = /\bwith\s+(\S+)/i.exec(clauses)?.[1];
  const id = /\bid\s+([^\s;]+)/i.exec(clauses)?.[1];
  const conversations = id
    ? transcripts
        .list()
        .filter((c) => c.events.some((e) => e.type === 'note' && e.topic === 'message' && e.text.startsWith(`queued as ${id}:`)))
        .map((c) => c.open.conn)
    : [];
  return { from: from.replace(/\s+/g, ' '), by, ...(protocol ? { with: protocol } : {}), ...(id ? { id } : {}), ...(date ? { date: date.trim() } : {}), conversations };
}

export function messageDetail(address: string, folder: string, info: MessageInfo, bytes: Buffer, transcripts: TranscriptStore): MessageDetail {
  const { fields } = parseHeader(bytes, 0, bytes.length);
  const headers = fields.map((f): HeaderExplained => {
    const explanation = explainHeader(f.name);
    return { name: f.name, value: f.value, decoded: decodeText(f.value), ...(explanation ? { explanation } : {}) };
  });
  const path = fields.filter((f) => f.key === 'received').map((f) => hopOf(f.value, transcripts));
  const utf8 = bytes.toString('utf8');
  return {
    ...messageSummary(folder, info, bytes),
    address,
    headers,
    path,
    source: utf8.includes('\uFFFD') ? bytes.toString('latin1') : utf8,
  };
}
