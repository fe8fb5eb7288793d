import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trailingLiteral } from '../../src/mail/imap/protocol/literal-marker.js';
import { parseCommand } from '../../src/mail/imap/protocol/parser.js';
import { SequenceSet, formatSequence } from '../../src/mail/imap/protocol/sequence-set.js';
import type { CommandFrame, Token } from '../../src/mail/imap/protocol/tokens.js';

function frame(line: string, ...rest: (string | Buffer)[]): CommandFrame {
  const lines = [Buffer.from(line)];
  const literals: Buffer[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    literals.push(Buffer.from(rest[i]!));
    lines.push(Buffer.from(rest[i + 1] ?? ''));
  }
  return { lines, literals };
}

/** Tokens as plain data, strings decoded, for deepEqual. */
function plain(token: Token): unknown {
  switch (token.kind) {
    case 'atom':
      return token.value;
    case 'string':
      return { s: token.value.toString('utf8'), literal: token.literal };
    case 'list':
      return token.items.map(plain);
    case 'section':
      return { section: token.name, items: token.section.map(plain), ...(token.partial ? { partial: token.partial } : {}) };
  }
}

function parse(line: string, ...rest: (string | Buffer)[]): { tag: string; name: string; args: unknown[] } {
  const result = parseCommand(frame(line, ...rest));
  assert.ok(result.ok, `expected ${JSON.stringify(line)} to parse, got: ${result.ok ? '' : result.reason}`);
  return { tag: result.command.tag, name: result.command.name, args: result.command.args.map(plain) };
}

test('the seeds’ commands parse, @ and 8-bit bytes allowed in atoms', () => {
  assert.deepEqual(parse('a001 login userX@yuhu.biz Jer0n1m0!'), { tag: 'a001', name: 'LOGIN', args: ['userX@yuhu.biz', 'Jer0n1m0!'] });
  assert.deepEqual(parse('1 login étudiant Etudiant1').args, ['étudiant', 'Etudiant1']);
  assert.deepEqual(parse('a004 list "" *').args, [{ s: '', literal: false }, '*']);
  assert.deepEqual(parse('2 list "" "*"').args, [{ s: '', literal: false }, { s: '*', literal: false }]);
  assert.deepEqual(parse('a005 FETCH 1:15 ENVELOPE'), { tag: 'a005', name: 'FETCH', args: ['1:15', 'ENVELOPE'] });
  assert.deepEqual(parse('4 fetch 1 body[]').args, ['1', { section: 'BODY', items: [] }]);
});

test('an untagged logout is answered with the word as a tag and a reason', () => {
  const result = parseCommand(frame('logout'));
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.tag === 'logout' && /command name/.test(result.reason));
});

test('quoted strings unescape \\" and \\\\, and refuse other escapes', () => {
  assert.deepEqual(parse('a LOGIN "us\\"er" "p\\\\w"').args, [
    { s: 'us"er', literal: false },
    { s: 'p\\w', literal: false },
  ]);
  const bad = parseCommand(frame('a LOGIN "u\\ser" x'));
  assert.ok(!bad.ok && bad.tag === 'a');
  assert.ok(!parseCommand(frame('a LOGIN "unterminated')).ok);
});

test('literals, synchronizing and LITERAL+, join the lines around them', () => {
  assert.deepEqual(parse('a LOGIN {5}', 'us er', ' {3+}', 'p\r\n').args, [
    { s: 'us er', literal: true },
    { s: 'p\r\n', literal: true },
  ]);
  assert.deepEqual(parse('a APPEND INBOX (\\Seen) {3}', 'abc', '').args, ['INBOX', ['\\Seen'], { s: 'abc', literal: true }]);
  assert.equal(trailingLiteral(Buffer.from('a LOGIN "x {3}"')), undefined);
  assert.deepEqual(trailingLiteral(Buffer.from('a LOGIN "x" {12+}')), { size: 12, synchronizing: false, offset: 12 });
  assert.equal(trailingLiteral(Buffer.from('a X {99999999999999999999}'))?.size, Infinity);
});

test('lists nest, sections carry their field lists and partial ranges', () => {
  assert.deepEqual(parse('a SEARCH OR (FROM x SEEN) (NOT (TO y))').args, ['OR', ['FROM', 'x', 'SEEN'], ['NOT', ['TO', 'y']]]);
  assert.deepEqual(parse('a UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (From "Subject")]<0.100> BODY[1.MIME])'), {
    tag: 'a',
    name: 'UID FETCH',
    args: [
      '1:*',
      [
        'UID',
        { section: 'BODY.PEEK', items: ['HEADER.FIELDS', ['From', { s: 'Subject', literal: false }]], partial: { start: 0, length: 100 } },
        { section: 'BODY', items: ['1.MIME'] },
      ],
    ],
  });
  assert.deepEqual(parse('a LIST "" [Gmail]/Sent').args, [{ s: '', literal: false }, '[Gmail]/Sent']);
});

test('malformed commands give a reason, never an exception', () => {
  for (const line of ['', '+ x', 'a', 'a (', 'a NOOP (', 'a NOOP )', 'a FETCH 1 BODY[', 'a FETCH 1 BODY[]<x>', 'a NOOP "\r"', 'a NOOP {3}x', 'a UID', '(a NOOP', 'a NO\x01OP']) {
    const result = parseCommand(frame(line));
    assert.equal(result.ok, false, `${JSON.stringify(line)} should not parse`);
    assert.ok(!result.ok && result.reason.length > 0);
  }
});

test('nesting deeper than the limit is refused', () => {
  const deep = `a SEARCH ${'('.repeat(40)}ALL${')'.repeat(40)}`;
  const result = parseCommand(frame(deep));
  assert.ok(!result.ok && /nested/.test(result.reason));
  assert.ok(parseCommand(frame(`a SEARCH ${'('.repeat(10)}ALL${')'.repeat(10)}`)).ok);
});

test('sequence sets: ranges either way round, * as the largest, compact formatting', () => {
  const set = SequenceSet.parse('1,3:4,10:*')!;
  assert.deepEqual([1, 2, 3, 4, 5, 10, 12].map((n) => set.has(n, 12)), [true, false, true, true, false, true, true]);
  assert.ok(SequenceSet.parse('5:2')!.has(3, 9));
  assert.ok(SequenceSet.parse('*')!.has(7, 7));
  for (const bad of ['', '0', '1:', ':2', '1,,2', 'a', '1:2:3', '4294967296']) assert.equal(SequenceSet.parse(bad), undefined, bad);
  assert.equal(formatSequence([1, 2, 3, 5, 7, 8]), '1:3,5,7:8');
});
