import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestLab } from '../helpers/lab.js';
import { startImapLab } from './helpers/imap-lab.js';
import { loggedIn, type RawImap, tagged, untagged } from './helpers/raw-client.js';

let lab: TestLab;
let port: number;

function crlf(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'));
}

/** Four messages with different senders, encodings, dates, sizes and flags (the SEARCH and FETCH fixtures). */
const MESSAGES: { flags: string; date: string; bytes: Buffer }[] = [
  {
    flags: '(\\Seen)',
    date: '01-Jan-2024 12:00:00 +0000',
    bytes: crlf(`From: Alice <alice@um.es>
To: user1@st.um
Subject: Lunch plans
Date: Mon, 1 Jan 2024 11:00:00 +0000
Message-ID: <m1@um.es>

Shall we meet at noon?
`),
  },
  {
    flags: '(\\Flagged $Work)',
    date: '15-Feb-2024 12:00:00 +0000',
    bytes: crlf(`From: Bob <bob@um.es>
To: user1@st.um
Cc: Carol <carol@st.um>
Subject: =?UTF-8?Q?Caf=C3=A9_cr=C3=A8me?=
Date: Thu, 15 Feb 2024 09:00:00 +0100
Message-ID: <m2@um.es>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Un caf=C3=A9 au lait, s'il vous pla=C3=AEt.
`),
  },
  {
    flags: '(\\Answered \\Deleted)',
    date: '01-Mar-2024 12:00:00 +0000',
    bytes: crlf(`From: Carol <carol@st.um>
To: user1@st.um
Bcc: dave@st.um
Subject: Report
Date: Fri, 1 Mar 2024 08:00:00 +0000
Message-ID: <m3@um.es>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: base64

${Buffer.from('The secret quarterly numbers are attached.').toString('base64')}
--b
Content-Type: application/octet-stream

AAAA
--b--
`),
  },
  {
    flags: '()',
    date: '10-Mar-2024 12:00:00 +0000',
    bytes: crlf(`From: Dave <dave@st.um>
To: user1@st.um
Subject: Big
Date: Sun, 10 Mar 2024 10:00:00 +0000
Message-ID: <m4@um.es>

${'A long line of filler text to make this message big.\n'.repeat(200)}`),
  },
];

async function mailboxWithMessages(user: string): Promise<RawImap> {
  const client = await loggedIn(port, user);
  for (const [i, m] of MESSAGES.entries()) {
    const answer = await client.command(`ap${i}`, Buffer.concat([Buffer.from(`APPEND INBOX ${m.flags} "${m.date}" {${m.bytes.length}+}\r\n`), m.bytes]));
    assert.match(tagged(answer), /OK \[APPENDUID/);
  }
  assert.match(tagged(await client.command('sel', 'SELECT INBOX')), /OK \[READ-WRITE\]/);
  return client;
}

before(async () => {
  lab = await startImapLab({ extraUsers: 8 });
  port = lab.endpoint('imap').port;
});
after(() => lab.dispose());

test('SEARCH: every key of RFC 3501 §6.4.4, decoded headers and bodies, CHARSET UTF-8 literals', async () => {
  const c = await mailboxWithMessages('u1');
  const search = async (criteria: string): Promise<string> => {
    const answer = await c.command('s', `SEARCH ${criteria}`);
    assert.match(tagged(answer), /^s OK/, `SEARCH ${criteria}: ${tagged(answer)}`);
    return untagged(answer).find((l) => l.startsWith('* SEARCH'))!.replace(/^\* SEARCH ?/, '');
  };
  try {
    const expectations: [string, string][] = [
      ['ALL', '1 2 3 4'],
      ['SEEN', '1'],
      ['UNSEEN', '2 3 4'],
      ['FLAGGED', '2'],
      ['UNFLAGGED', '1 3 4'],
      ['KEYWORD $Work', '2'],
      ['UNKEYWORD $work', '1 3 4'],
      ['ANSWERED', '3'],
      ['UNANSWERED', '1 2 4'],
      ['DELETED', '3'],
      ['UNDELETED', '1 2 4'],
      ['DRAFT', ''],
      ['UNDRAFT', '1 2 3 4'],
      ['RECENT', '1 2 3 4'],
      ['NEW', '2 3 4'],
      ['OLD', ''],
      ['FROM bob', '2'],
      ['FROM "UM.ES"', '1 2'],
      ['TO user1', '1 2 3 4'],
      ['CC carol', '2'],
      ['BCC dave', '3'],
      ['SUBJECT lunch', '1'],
      ['SUBJECT "CAFÉ CRÈME"', '2'],
      ['BODY "au lait"', '2'],
      ['BODY quarterly', '3'],
      ['BODY lunch', ''],
      ['TEXT lunch', '1'],
      ['TEXT "plaît"', '2'],
      ['HEADER Message-ID "<m3@"', '3'],
      ['HEADER Cc ""', '2'],
      ['HEADER X-Nothing ""', ''],
      ['LARGER 5000', '4'],
      ['SMALLER 5000', '1 2 3'],
      ['BEFORE 15-Feb-2024', '1'],
      ['ON 15-Feb-2024', '2'],
      ['SINCE 1-Mar-2024', '3 4'],
      ['SENTBEFORE 1-Feb-2024', '1'],
      ['SENTON 15-Feb-2024', '2'],
      ['SENTSINCE "1-Mar-2024"', '3 4'],
      ['NOT SEEN', '2 3 4'],
      ['OR FROM alice FROM carol', '1 3'],
      ['(FROM bob FLAGGED)', '2'],
      ['FROM bob UNFLAGGED', ''],
      ['NOT (OR SEEN (DELETED ANSWERED))', '2 4'],
      ['2:*', '2 3 4'],
      ['*', '4'],
      ['1,3', '1 3'],
      ['UID 2:3', '2 3'],
      ['CHARSET UTF-8 SUBJECT "crème"', '2'],
    ];
    const wrong: string[] = [];
    for (const [criteria, expected] of expectations) {
      const got = await search(criteria);
      if (got !== expected) wrong.push(`SEARCH ${criteria}: expected "${expected}", got "${got}"`);
    }
    assert.deepEqual(wrong, []);
    c.send('u1 SEARCH CHARSET UTF-8 BODY {4}\r\n');
    assert.match((await c.response()).text, /^\+ /);
    c.send(Buffer.concat([Buffer.from('café', 'utf8').subarray(0, 4), Buffer.from('\r\n')]));
    assert.match(untagged(await c.until('u1'))[0]!, /^\* SEARCH/);
    c.send(`u2 SEARCH CHARSET UTF-8 BODY {${Buffer.byteLength('café')}+}\r\ncafé\r\n`);
    assert.deepEqual(untagged(await c.until('u2')), ['* SEARCH 2']);
    assert.deepEqual(untagged(await c.command('u3', 'UID SEARCH FLAGGED')), ['* SEARCH 2']);
    assert.equal(tagged(await c.command('u4', 'SEARCH CHARSET KOI8-R ALL')), 'u4 NO [BADCHARSET (US-ASCII UTF-8)] Charset KOI8-R is not supported');
    assert.match(tagged(await c.command('u5', 'SEARCH FROBNICATE')), /^u5 BAD .*Unknown search key/);
    assert.match(tagged(await c.command('u6', 'SEARCH BEFORE yesterday')), /^u6 BAD .*date/);
    assert.match(tagged(await c.command('u7', 'SEARCH OR SEEN')), /^u7 BAD .*Missing/);
  } finally {
    c.close();
  }
});

test('FETCH: every item, macros, partial ranges, sequence sets; BODY[] sets \\Seen and says so, BODY.PEEK does not', async () => {
  const c = await mailboxWithMessages('u2');
  try {
    const fast = untagged(await c.command('f1', 'FETCH 1 FAST'))[0]!;
    assert.match(fast, /^\* 1 FETCH \(FLAGS \(\\Seen \\Recent\) INTERNALDATE "01-Jan-2024 \d\d:00:00 [+-]\d{4}" RFC822\.SIZE \d+\)$/);
    assert.match(untagged(await c.command('f2', 'FETCH 1 ALL'))[0]!, /ENVELOPE \("Mon, 1 Jan 2024 11:00:00 \+0000" "Lunch plans" \(\("Alice" NIL "alice" "um\.es"\)\)/);
    assert.match(untagged(await c.command('f3', 'FETCH 1 FULL'))[0]!, / BODY \("text" "plain" \("charset" "us-ascii"\) NIL NIL "7bit" 24 1\)\)$/);
    assert.equal(untagged(await c.command('f4', 'FETCH 2 (BODY.PEEK[HEADER.FIELDS (Subject)])'))[0], '* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {45}\r\nSubject: =?UTF-8?Q?Caf=C3=A9_cr=C3=A8me?=\r\n\r\n)');
    assert.equal(untagged(await c.command('f5', 'FETCH 4 BODY.PEEK[TEXT]<0.11>'))[0], '* 4 FETCH (BODY[TEXT]<0> {11}\r\nA long line)');
    assert.equal(untagged(await c.command('f6', 'FETCH 2 (FLAGS)'))[0], '* 2 FETCH (FLAGS (\\Flagged $Work \\Recent))');
    assert.equal(untagged(await c.command('f7', 'FETCH 2 BODY[1]'))[0], "* 2 FETCH (BODY[1] {45}\r\nUn caf=C3=A9 au lait, s'il vous pla=C3=AEt.\r\n FLAGS (\\Flagged \\Seen $Work \\Recent))");
    assert.match(untagged(await c.command('f8', 'FETCH 4 RFC822.HEADER'))[0]!, /^\* 4 FETCH \(RFC822\.HEADER \{\d+\}\r\nFrom: Dave.*\r\n\r\n\)$/s);
    assert.match(untagged(await c.command('f9', 'FETCH 4 (FLAGS)'))[0]!, /FLAGS \(\\Recent\)/, 'RFC822.HEADER does not set \\Seen');
    assert.match(untagged(await c.command('f10', 'FETCH 4 RFC822.TEXT'))[0]!, /^\* 4 FETCH \(RFC822\.TEXT \{\d+\}\r\nA long line.* FLAGS \(\\Seen \\Recent\)\)$/s);
    const [structure] = untagged(await c.command('f11', 'FETCH 3 BODYSTRUCTURE'));
    assert.equal(structure, '* 3 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "base64" 56 0 NIL NIL NIL NIL)("application" "octet-stream" NIL NIL NIL "7bit" 4 NIL NIL NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL))');
    const rfc822 = untagged(await c.command('f12', 'FETCH 1 (RFC822.SIZE RFC822)'))[0]!;
    assert.equal(rfc822, `* 1 FETCH (RFC822.SIZE ${MESSAGES[0]!.bytes.length} RFC822 {${MESSAGES[0]!.bytes.length}}\r\n${MESSAGES[0]!.bytes.toString('latin1')})`);
    assert.deepEqual(untagged(await c.command('f13', 'FETCH 3:1 UID')), ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 2)', '* 3 FETCH (UID 3)']);
    assert.deepEqual(untagged(await c.command('f14', 'UID FETCH 100:* FLAGS')), ['* 4 FETCH (UID 4 FLAGS (\\Seen \\Recent))'], 'n:* names the last message even when n is past it');
    assert.deepEqual(untagged(await c.command('f15', 'UID FETCH 50 FLAGS')), []);
    assert.match(tagged(await c.command('f16', 'FETCH 5 FLAGS')), /^f16 BAD .*No message 5/);
    assert.match(tagged(await c.command('f17', 'FETCH 1 BINARY[1]')), /^f17 BAD .*BINARY/);
    assert.match(tagged(await c.command('f18', 'FETCH 1 (FLAGS BODY[0])')), /^f18 BAD/);
    assert.match(tagged(await c.command('f19', 'FETCH 1 BODY[MIME]')), /^f19 BAD/);
    assert.deepEqual(untagged(await c.command('f20', 'FETCH 1 BODY.PEEK[5.MIME]')), ['* 1 FETCH (BODY[5.MIME] {0}\r\n)']);
    await c.command('f21', 'EXAMINE INBOX');
    assert.doesNotMatch(untagged(await c.command('f22', 'FETCH 3 BODY[TEXT]'))[0]!, /FLAGS/, 'EXAMINE never sets \\Seen');
  } finally {
    c.close();
  }
});

test('STORE: FLAGS, +FLAGS, -FLAGS, .SILENT, keywords, UID STORE; read-only and \\Recent refused', async () => {
  const c = await mailboxWithMessages('u3');
  try {
    assert.deepEqual(untagged(await c.command('t1', 'STORE 1:2 +FLAGS (\\Deleted)')), ['* 1 FETCH (FLAGS (\\Deleted \\Seen \\Recent))', '* 2 FETCH (FLAGS (\\Deleted \\Flagged $Work \\Recent))']);
    assert.deepEqual(untagged(await c.command('t2', 'STORE 1 -FLAGS.SILENT (\\Deleted)')), []);
    // A new keyword is announced (FLAGS, PERMANENTFLAGS) before the FETCH that carries it.
    assert.deepEqual(untagged(await c.command('t3', 'STORE 4 FLAGS ($Label1 \\Answered)')), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work $Label1)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work $Label1 \\*)] Flags permitted.',
      '* 4 FETCH (FLAGS (\\Answered $Label1 \\Recent))',
    ]);
    assert.deepEqual(untagged(await c.command('t4', 'UID STORE 4 +FLAGS \\Seen')), ['* 4 FETCH (UID 4 FLAGS (\\Answered \\Seen $Label1 \\Recent))']);
    assert.match(tagged(await c.command('t5', 'STORE 1 +FLAGS (\\Recent)')), /^t5 BAD/);
    assert.match(tagged(await c.command('t6', 'STORE 1 +FLAGS (\\Bogus)')), /^t6 BAD/);
    assert.match(tagged(await c.command('t7', 'STORE 1 REPLACE (\\Seen)')), /^t7 BAD/);
    assert.deepEqual(untagged(await c.command('t8', 'FETCH 1:* FLAGS')), [
      '* 1 FETCH (FLAGS (\\Seen \\Recent))',
      '* 2 FETCH (FLAGS (\\Deleted \\Flagged $Work \\Recent))',
      '* 3 FETCH (FLAGS (\\Answered \\Deleted \\Recent))',
      '* 4 FETCH (FLAGS (\\Answered \\Seen $Label1 \\Recent))',
    ]);
    await c.command('t9', 'EXAMINE INBOX');
    assert.match(tagged(await c.command('t10', 'STORE 1 +FLAGS (\\Flagged)')), /^t10 NO .*read-only/);
  } finally {
    c.close();
  }
});

test('COPY and MOVE answer with [COPYUID]; a missing target is [TRYCREATE]; MOVE expunges here', async () => {
  const c = await mailboxWithMessages('u4');
  try {
    const copy = tagged(await c.command('m1', 'COPY 1:2 Trash'));
    assert.match(copy, /^m1 OK \[COPYUID \d+ 1:2 1:2\] Copy completed\.$/);
    assert.match(tagged(await c.command('m2', 'UID COPY 4 Trash')), /^m2 OK \[COPYUID \d+ 4 3\]/);
    assert.match(tagged(await c.command('m3', 'COPY 1 Nowhere')), /^m3 NO \[TRYCREATE\]/);
    assert.equal(tagged(await c.command('m4', 'UID COPY 99 Trash')), 'm4 OK Copy completed.');
    const move = await c.command('m5', 'MOVE 2:3 Junk');
    assert.match(untagged(move)[0]!, /^\* OK \[COPYUID \d+ 2:3 1:2\] Moved UIDs\.$/);
    assert.deepEqual(untagged(move).slice(1), ['* 2 EXPUNGE', '* 2 EXPUNGE']);
    assert.equal(tagged(move), 'm5 OK Move completed.');
    assert.deepEqual(untagged(await c.command('m6', 'UID MOVE 4 Junk')).slice(1), ['* 2 EXPUNGE']);
    assert.deepEqual(untagged(await c.command('m7', 'STATUS Junk (MESSAGES)')), ['* STATUS "Junk" (MESSAGES 3)']);
    assert.deepEqual(untagged(await c.command('m8', 'STATUS Trash (MESSAGES)')), ['* STATUS "Trash" (MESSAGES 3)']);
    assert.deepEqual(untagged(await c.command('m9', 'FETCH 1:* (UID FLAGS)')), ['* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))']);
  } finally {
    c.close();
  }
});

test('EXPUNGE announces each removal with the numbering of that moment; UID EXPUNGE only the UIDs given', async () => {
  const c = await mailboxWithMessages('u5');
  try {
    await c.command('x1', 'STORE 1,2,4 +FLAGS.SILENT (\\Deleted)');
    assert.deepEqual(untagged(await c.command('x2', 'UID EXPUNGE 4')), ['* 4 EXPUNGE']);
    assert.deepEqual(untagged(await c.command('x3', 'EXPUNGE')), ['* 1 EXPUNGE', '* 1 EXPUNGE', '* 1 EXPUNGE']);
    assert.deepEqual(untagged(await c.command('x4', 'SEARCH ALL')), ['* SEARCH']);
    assert.match(tagged(await c.command('x5', 'CHECK')), /^x5 OK/);
    await c.command('x6', 'EXAMINE INBOX');
    assert.match(tagged(await c.command('x7', 'EXPUNGE')), /^x7 NO/);
  } finally {
    c.close();
  }
});

test('CLOSE removes \\Deleted messages without a word; UNSELECT leaves them', async () => {
  const c = await mailboxWithMessages('u6');
  try {
    await c.command('z1', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    assert.deepEqual(untagged(await c.command('z2', 'UNSELECT')), []);
    assert.deepEqual(untagged(await c.command('z3', 'STATUS INBOX (MESSAGES)')), ['* STATUS "INBOX" (MESSAGES 4)']);
    await c.command('z4', 'SELECT INBOX');
    assert.deepEqual(untagged(await c.command('z5', 'CLOSE')), []);
    assert.deepEqual(untagged(await c.command('z6', 'STATUS INBOX (MESSAGES)')), ['* STATUS "INBOX" (MESSAGES 2)']);
    assert.match(tagged(await c.command('z7', 'FETCH 1 FLAGS')), /^z7 BAD .*No mailbox selected/);
  } finally {
    c.close();
  }
});
