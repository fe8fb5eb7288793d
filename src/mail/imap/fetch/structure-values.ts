import type { BodyStructure, Envelope, EnvelopeAddress, Parameter } from '../../mime/index.js';
import { Adjacent, type ImapValue, type ResponseBuilder } from '../protocol/serializer.js';

/** Header text is kept one character per byte; on the wire it goes back to the very bytes received. */
function bytes(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, 'latin1');
}

function addresses(list: EnvelopeAddress[] | null): ImapValue {
  return list === null ? null : new Adjacent(list.map((a) => [bytes(a.name), bytes(a.adl), bytes(a.mailbox), bytes(a.host)]));
}

/** ENVELOPE (RFC 3501 §7.4.2): date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id. */
export function envelopeValue(envelope: Envelope): ImapValue {
  return [
    bytes(envelope.date),
    bytes(envelope.subject),
    addresses(envelope.from),
    addresses(envelope.sender),
    addresses(envelope.replyTo),
    addresses(envelope.to),
    addresses(envelope.cc),
    addresses(envelope.bcc),
    bytes(envelope.inReplyTo),
    bytes(envelope.messageId),
  ];
}

function params(list: Parameter[]): ImapValue {
  return list.length === 0 ? null : list.flatMap(([name, value]) => [bytes(name), bytes(value)]);
}

function extensions(structure: BodyStructure): ImapValue[] {
  const { disposition, language, location } = structure;
  return [disposition === null ? null : [bytes(disposition.value), params(disposition.params)], language === null ? null : language.map(bytes), bytes(location)];
}

/**
 * Writes BODY or BODYSTRUCTURE (RFC 3501 §7.4.2). A multipart's parts follow each other with no
 * space between them (`body-type-mpart = 1*body SP media-subtype`), so this writes into the builder directly.
 */
export function writeBodyStructure(out: ResponseBuilder, structure: BodyStructure, extended: boolean): void {
  out.raw('(');
  if (structure.kind === 'multipart') {
    for (const part of structure.parts) writeBodyStructure(out, part, extended);
    out.raw(' ').value(bytes(structure.subtype));
    if (extended) for (const value of [params(structure.params), ...extensions(structure)]) out.raw(' ').value(value);
    out.raw(')');
    return;
  }
  const fields: ImapValue[] = [
    bytes(structure.type),
    bytes(structure.subtype),
    params(structure.params),
    bytes(structure.id),
    bytes(structure.description),
    bytes(structure.encoding),
    structure.size,
  ];
  fields.forEach((value, i) => (i === 0 ? out.value(value) : out.raw(' ').value(value)));
  if (structure.message) {
    out.raw(' ').value(envelopeValue(structure.message.envelope)).raw(' ');
    writeBodyStructure(out, structure.message.body, extended);
  }
  if (structure.lines !== undefined) out.raw(' ').value(structure.lines);
  if (extended) for (const value of [bytes(structure.md5), ...extensions(structure)]) out.raw(' ').value(value);
  out.raw(')');
}
