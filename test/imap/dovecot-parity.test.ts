import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CORPUS } from '../mime/corpus.js';
import { dovecotInstalled, startDovecot } from '../helpers/dovecot.js';
import { startImapLab } from './helpers/imap-lab.js';
import { RawImap } from './helpers/raw-client.js';

/** What Dovecot is exact about and clients compare (CLIENT-NOTES): each FETCH item asked alone of both servers. */
const ITEMS = [
  'RFC822.SIZE',
  'ENVELOPE',
  'BODY',
  'BODYSTRUCTURE',
  'BODY.PEEK[]',
  'BODY.PEEK[HEADER]',
  'BODY.PEEK[TEXT]',
  'BODY.PEEK[HEADER.FIELDS (From Subject)]',
  'BODY.PEEK[HEADER.FIELDS.NOT (From Subject)]',
  'BODY.PEEK[1]',
  'BODY.PEEK[1.MIME]',
  'BODY.PEEK[2]',
  'BODY.PEEK[2.MIME]',
  'BODY.PEEK[1.1]',
  'BODY.PEEK[1.2]',
  'BODY.PEEK[2.1]',
  'BODY.PEEK[2.HEADER]',
  'BODY.PEEK[2.TEXT]',
  'BODY.PEEK[]<5.10>',
  'BODY.PEEK[TEXT]<0.7>',
  'BODY.PEEK[3]',
  'BODY.PEEK[3.MIME]',
  'BODY.PEEK[2.2]',
  'BODY.PEEK[2.1.MIME]',
  'BODY.PEEK[2.2.MIME]',
];

async function loggedIn(port: number, user: string): Promise<RawImap> {
  const client = await RawImap.connect(port);
  const login = await client.command('l', `LOGIN ${user} password`);
  assert.match(login.at(-1)!.text, /^l OK/);
  return client;
}

async function appendAll(client: RawImap): Promise<void> {
  for (const [i, message] of Object.values(CORPUS).entries()) {
    client.send(`a${i} APPEND INBOX {${message.length}+}\r\n`);
    client.send(message);
    client.send('\r\n');
    const answer = await client.until(`a${i}`);
    assert.match(answer.at(-1)!.text, new RegExp(`^a${i} OK`));
  }
  await client.command('s', 'SELECT INBOX');
}

/**
 * A response with every string in one spelling, so a quoted string and a literal holding the same
 * bytes compare equal (servers choose freely between them); all else, spacing included, is kept.
 */
function canonical(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const literal = /^\{(\d+)\}\r\n/.exec(text.slice(i, i + 16));
    if (text[i] === '"') {
      let value = '';
      i += 1;
      while (text[i] !== '"') {
        if (text[i] === '\\') i += 1;
        value += text[i];
        i += 1;
      }
      i += 1;
      out += JSON.stringify(value);
    } else if (literal) {
      const start = i + literal[0].length;
      out += JSON.stringify(text.slice(start, start + Number(literal[1])));
      i = start + Number(literal[1]);
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

/** `* 3 FETCH (ITEM value)` → `ITEM value`, strings canonical. */
function fetched(responses: { text: string }[]): string {
  return responses
    .filter((r) => / FETCH \(/.test(r.text))
    .map((r) => canonical(r.text.replace(/^\* \d+ FETCH \(/, '').replace(/\)$/, '')))
    .join('\n');
}

test('FETCH answers match Dovecot’s item for item on tricky MIME messages', async (t) => {
  if (!dovecotInstalled()) return t.skip('dovecot not installed (or not root)');
  const lab = await startImapLab();
  t.after(() => lab.dispose());
  const dovecot = await startDovecot({ users: [{ name: 'user1', password: 'password' }], listen: { imap: true } });
  t.after(() => dovecot.stop());
  const ours = await loggedIn(lab.endpoint('imap').port, 'user1');
  t.after(() => ours.close());
  const theirs = await loggedIn(dovecot.ports.imap!, 'user1');
  t.after(() => theirs.close());
  {
    await appendAll(ours);
    await appendAll(theirs);
    const names = Object.keys(CORPUS);
    const differences: string[] = [];
    for (const [i, name] of names.entries()) {
      for (const item of ITEMS) {
        const command = `FETCH ${i + 1} (${item})`;
        const a = await ours.command('f', command);
        const b = await theirs.command('f', command);
        const [mine, dovecots] = [fetched(a), fetched(b)];
        const [mineStatus, dovecotStatus] = [a.at(-1)!.text.split(' ')[1], b.at(-1)!.text.split(' ')[1]];
        if (mine !== dovecots || mineStatus !== dovecotStatus) {
          differences.push(`${name} ${item}:\n  wirelab: ${mineStatus} ${JSON.stringify(mine)}\n  dovecot: ${dovecotStatus} ${JSON.stringify(dovecots)}`);
        }
      }
    }
    assert.deepEqual(differences, []);
  }
});
