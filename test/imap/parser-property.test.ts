import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { TestLab } from '../helpers/lab.js';
import { parseCommand } from '../../src/mail/imap/protocol/parser.js';
import type { CommandFrame } from '../../src/mail/imap/protocol/tokens.js';
import { deliver, sampleMessage, startImapLab } from './helpers/imap-lab.js';
import { loggedIn, type RawImap, tagged } from './helpers/raw-client.js';

/** A generated argument: what it is, and how a client writes it. */
type Arg = { kind: 'atom'; value: string } | { kind: 'quoted'; value: string } | { kind: 'literal'; value: Buffer; plus: boolean } | { kind: 'list'; items: Arg[] };

const atomText = fc.stringMatching(/^[A-Za-z0-9.$:,*%@!#&'+\-/=?^_`|~]{1,12}$/).filter((s) => !s.startsWith('\\'));
const quotedText = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n\0]/g, ''));

const argArbitrary: fc.Arbitrary<Arg> = fc.letrec<{ arg: Arg }>((tie) => ({
  arg: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atomText.map((value): Arg => ({ kind: 'atom', value })),
    quotedText.map((value): Arg => ({ kind: 'quoted', value })),
    fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.boolean()).map(([bytes, plus]): Arg => ({ kind: 'literal', value: Buffer.from(bytes), plus })),
    fc.array(tie('arg'), { maxLength: 4 }).map((items): Arg => ({ kind: 'list', items })),
  ),
})).arg;

/** Writes arguments the way a client sends them: lines split after each literal's `{n}`. */
function frameOf(prefix: string, args: Arg[]): CommandFrame {
  const lines: Buffer[] = [];
  const literals: Buffer[] = [];
  let current = prefix;
  const write = (arg: Arg): void => {
    switch (arg.kind) {
      case 'atom':
        current += arg.value;
        break;
      case 'quoted':
        current += `"${arg.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
        break;
      case 'literal':
        current += `{${arg.value.length}${arg.plus ? '+' : ''}}`;
        lines.push(Buffer.from(current));
        literals.push(arg.value);
        current = '';
        break;
      case 'list':
        current += '(';
        arg.items.forEach((item, i) => {
          if (i > 0) current += ' ';
          write(item);
        });
        current += ')';
        break;
    }
  };
  for (const arg of args) {
    current += ' ';
    write(arg);
  }
  lines.push(Buffer.from(current));
  return { lines, literals };
}

function plainArg(arg: Arg): unknown {
  switch (arg.kind) {
    case 'atom':
      return arg.value;
    case 'quoted':
      return Buffer.from(arg.value).toString('hex');
    case 'literal':
      return arg.value.toString('hex');
    case 'list':
      return arg.items.map(plainArg);
  }
}

test('parser property: any well-formed command parses back to the arguments that were written', () => {
  fc.assert(
    fc.property(fc.array(argArbitrary, { maxLength: 6 }), (args) => {
      const parsed = parseCommand(frameOf('t1 X-TEST', args));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      const back = parsed.command.args.map(function plain(token): unknown {
        if (token.kind === 'atom') return token.value;
        if (token.kind === 'string') return token.value.toString('hex');
        if (token.kind === 'list') return token.items.map(plain);
        return token;
      });
      assert.deepEqual(back, args.map(plainArg));
    }),
    { numRuns: 500 },
  );
});

test('parser property: arbitrary bytes never throw; they parse or give a reason for a BAD', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 60 }), { minLength: 1, maxLength: 4 }), (pieces) => {
      const lines = pieces.map((p) => Buffer.from(p).filter((b) => b !== 0x0a) as Buffer);
      const frame: CommandFrame = { lines: lines.map((l) => Buffer.from(l)), literals: lines.slice(1).map(() => Buffer.from('xyz')) };
      const result = parseCommand(frame);
      assert.ok(result.ok || result.reason.length > 0);
    }),
    { numRuns: 2000 },
  );
});

/** Commands a random input may name (LOGOUT, STARTTLS and IDLE would end or change the conversation on purpose). */
const NAMES = ['NOOP', 'CAPABILITY', 'SELECT', 'EXAMINE', 'LIST', 'LSUB', 'STATUS', 'FETCH', 'UID FETCH', 'STORE', 'UID STORE', 'SEARCH', 'UID SEARCH', 'COPY', 'MOVE', 'CREATE', 'RENAME', 'SUBSCRIBE', 'NAMESPACE', 'ID', 'ENABLE', 'CHECK', 'UID EXPUNGE', 'APPEND', 'LOGIN', 'FROB'];

/** What a random client line can be: a command with random arguments, or garbage (never ending in `{n}`, which would wait for bytes). */
const clientInput = fc.oneof(
  fc.tuple(fc.constantFrom(...NAMES), fc.array(argArbitrary, { maxLength: 5 })).map(([name, args]) => ({ kind: 'command' as const, name, args })),
  fc.uint8Array({ minLength: 1, maxLength: 80 }).map((bytes) => {
    let text = Buffer.from(bytes.filter((b) => b !== 0x0a && b !== 0x0d));
    if (text.at(-1) === 0x7d) text = Buffer.concat([text, Buffer.from(' x')]);
    return { kind: 'garbage' as const, bytes: text };
  }),
);

let lab: TestLab;
let client: RawImap;

before(async () => {
  lab = await startImapLab();
  await deliver(lab, 'user1@st.um', [sampleMessage(1), sampleMessage(2), sampleMessage(3)]);
  client = await loggedIn(lab.endpoint('imap').port, 'user1');
  await client.command('s0', 'SELECT INBOX');
});
after(async () => {
  client.close();
  await lab.dispose();
});

test('session property: random and malformed commands get OK, NO or BAD, never a crash; the next NOOP is answered', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(clientInput, async (input) => {
      n += 1;
      if (input.kind === 'garbage') {
        client.send(Buffer.concat([input.bytes, Buffer.from('\r\n')]));
      } else {
        const frame = frameOf(`p${n} ${input.name}`, input.args);
        // Send it as a client would: after each synchronizing literal, wait for the "+" (or a refusal).
        for (const [i, line] of frame.lines.entries()) {
          const literal = frame.literals[i];
          client.send(Buffer.concat([line, Buffer.from('\r\n')]));
          if (!literal) break;
          if (!/\+\}$/.test(line.toString('latin1'))) {
            const go = await client.response();
            if (!go.text.startsWith('+')) return;
          }
          client.send(literal);
        }
      }
      const responses = await client.command(`n${n}`, 'NOOP');
      assert.match(tagged(responses), new RegExp(`^n${n} OK`), `after ${JSON.stringify(input)}`);
      if (input.kind === 'command') {
        // The command itself was answered, with a status, before the NOOP.
        const own = responses.find((r) => r.text.startsWith(`p${n} `));
        assert.ok(!own || /^p\d+ (OK|NO|BAD) /.test(own.text), own?.text);
      }
    }),
    { numRuns: 300 },
  );
  assert.match(tagged(await client.command('final', 'NOOP')), /^final OK/);
});
