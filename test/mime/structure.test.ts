import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyStructure, buildEnvelope, extractSection, parseMime, type BodyStructure, type SinglePartStructure } from '../../src/mail/mime/index.js';
import { CORPUS } from './corpus.js';

function single(s: BodyStructure): SinglePartStructure {
  assert.equal(s.kind, 'single');
  return s as SinglePartStructure;
}

function section(name: keyof typeof CORPUS, path: number[], text: Parameters<typeof extractSection>[2]['text'] = { kind: 'all' }): string | undefined {
  const message = CORPUS[name]!;
  return extractSection(message, parseMime(message), { path, text })?.toString('utf8');
}

test('a part ends before the CRLF that precedes its boundary (RFC 2046 §5.1.1): sizes and line counts exact', () => {
  const message = CORPUS.alternative!;
  const root = bodyStructure(parseMime(message));
  assert.equal(root.kind, 'multipart');
  if (root.kind !== 'multipart') return;
  const plain = single(root.parts[0]!);
  const qp = 'Caf=C3=A9 cr=C3=A8me, tr=C3=A8s bon.';
  assert.equal(plain.size, qp.length);
  assert.equal(plain.lines, 0);
  assert.deepEqual(plain.params, [['charset', 'utf-8']]);
  assert.equal(plain.encoding, 'quoted-printable');
  const html = single(root.parts[1]!);
  assert.equal(html.size, Buffer.byteLength('<p>Café crème</p>\r\n'));
  assert.equal(html.lines, 1);
  assert.equal(section('alternative', [1]), qp);
  assert.equal(section('alternative', [2]), '<p>Café crème</p>\r\n');
  assert.equal(section('alternative', [1], { kind: 'mime' }), 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
});

test('nested multiparts, attachments with disposition, language, location, md5 and RFC 2231 parameters', () => {
  const root = bodyStructure(parseMime(CORPUS.mixedNested!));
  assert.equal(root.kind, 'multipart');
  if (root.kind !== 'multipart') return;
  assert.equal(root.subtype, 'mixed');
  assert.deepEqual(root.params, [['boundary', 'outer']]);
  assert.deepEqual(root.language, ['en']);
  const [alternative, pdf, rfc2231] = root.parts;
  assert.equal(alternative!.kind, 'multipart');
  const attachment = single(pdf!);
  assert.deepEqual([attachment.type, attachment.subtype, attachment.id, attachment.description, attachment.md5], ['application', 'pdf', '<report@um.es>', 'The report', 'Q2hlY2sgSW50ZWdyaXR5IQ==']);
  assert.deepEqual(attachment.disposition, { value: 'attachment', params: [['filename', 'report.pdf'], ['size', '12']] });
  assert.deepEqual(attachment.language, ['en', 'fr']);
  assert.equal(attachment.location, 'http://um.es/report.pdf');
  assert.equal(attachment.size, 'JVBERi0xLjQKJcfs\r\nj6IKMSAwIG9iago='.length);
  assert.equal(attachment.lines, undefined);
  const text = single(rfc2231!);
  // Pieces joined; a text part without a plain charset parameter also gets charset=us-ascii, as Dovecot lists it.
  assert.deepEqual(text.params, [['charset*', "utf-8''caf%C3%A9"], ['charset', 'us-ascii']]);
  assert.deepEqual(text.disposition?.params, [['filename*', "utf-8''r%C3%A9sum%C3%A9.txt"]]);
  assert.equal(section('mixedNested', [1, 2]), '<p>See the attached report.</p>');
  assert.equal(section('mixedNested', [1, 1]), 'See the attached report.\r\n');
});

test('message/rfc822 parts carry the inner envelope and structure; sections reach inside', () => {
  const root = bodyStructure(parseMime(CORPUS.forwarded!));
  if (root.kind !== 'multipart') return assert.fail('multipart expected');
  const inner = single(root.parts[1]!);
  assert.equal(inner.type, 'message');
  assert.equal(inner.message?.envelope.subject, 'inner');
  assert.equal(inner.message?.body.kind, 'multipart');
  assert.equal(inner.lines, section('forwarded', [2])!.split('\n').length - 1);
  assert.equal(section('forwarded', [2, 1]), 'inner text');
  assert.equal(section('forwarded', [2], { kind: 'header.fields', fields: ['subject', 'FROM'], not: false }), 'From: Bob <bob@st.um>\r\nSubject: inner\r\n\r\n');
  assert.match(section('forwarded', [2], { kind: 'text' })!, /^--b2\r\n/);
  assert.match(section('forwarded', [2], { kind: 'header' })!, /^From: Bob.*\r\n\r\n$/s);
  assert.equal(section('forwarded', [3]), undefined);
  // A leaf's only sub-part is itself; a single-part message has no 1.1 (both as Dovecot answers).
  assert.equal(section('forwarded', [1, 1]), 'Forwarded message below.');
  assert.equal(section('plain', [1, 1]), undefined);
  // The inner message ends with its close delimiter line, CRLF included: the outer delimiter follows it directly.
  assert.match(section('forwarded', [2])!, /--b2--\r\n$/);
});

test('defaults: no Content-Type is text/plain us-ascii; digest parts are message/rfc822; a multipart without delimiters is one empty part', () => {
  const plain = single(bodyStructure(parseMime(CORPUS.noContentTypeEncodedWords!)));
  assert.deepEqual([plain.type, plain.subtype, plain.params, plain.encoding], ['text', 'plain', [['charset', 'us-ascii']], '7bit']);
  const digest = bodyStructure(parseMime(CORPUS.digest!));
  if (digest.kind !== 'multipart') return assert.fail('multipart expected');
  assert.deepEqual(digest.parts.map((p) => (p.kind === 'single' ? `${p.type}/${p.subtype}` : 'multipart')), ['message/rfc822', 'message/rfc822']);
  const broken = bodyStructure(parseMime(CORPUS.brokenMultipart!));
  assert.equal(broken.kind, 'multipart');
  const headerOnly = single(bodyStructure(parseMime(CORPUS.headerOnly!)));
  assert.equal(headerOnly.size, 0);
  assert.equal(section('plain', [1]), 'Hello,\r\ntwo lines.\r\n');
  assert.equal(section('plain', [2]), undefined);
});

test('ENVELOPE: raw values, groups, quoted names, comments, sender and reply-to defaults', () => {
  const envelope = buildEnvelope(parseMime(CORPUS.noContentTypeEncodedWords!).fields);
  assert.equal(envelope.subject, '=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=');
  assert.deepEqual(envelope.from, [{ name: '=?UTF-8?Q?Andr=C3=A9?=', adl: null, mailbox: 'andre', host: 'um.es' }]);
  assert.deepEqual(envelope.sender, [{ name: null, adl: null, mailbox: 'secretary', host: 'um.es' }]);
  assert.deepEqual(envelope.replyTo, [{ name: 'Replies, please', adl: null, mailbox: 'replies', host: 'um.es' }]);
  assert.deepEqual(envelope.to, [
    { name: null, adl: null, mailbox: 'undisclosed-recipients', host: null },
    { name: null, adl: null, mailbox: null, host: null },
    { name: 'Bob "the builder"', adl: null, mailbox: 'bob', host: 'st.um' },
    { name: 'Carol C.', adl: null, mailbox: 'carol', host: 'st.um' },
  ]);
  assert.deepEqual(envelope.cc, [
    { name: null, adl: null, mailbox: 'Team', host: null },
    { name: null, adl: null, mailbox: 'dave', host: 'st.um' },
    { name: 'Eve', adl: null, mailbox: 'eve', host: 'st.um' },
    { name: null, adl: null, mailbox: null, host: null },
  ]);
  assert.equal(envelope.inReplyTo, '<parent@um.es>');
  assert.equal(envelope.messageId, null);
  const plain = buildEnvelope(parseMime(CORPUS.plain!).fields);
  assert.deepEqual(plain.sender, plain.from);
  assert.deepEqual(plain.replyTo, plain.from);
});
