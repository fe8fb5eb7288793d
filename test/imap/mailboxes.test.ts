import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestLab } from '../helpers/lab.js';
import { deliver, sampleMessage, startImapLab } from './helpers/imap-lab.js';
import { loggedIn, type RawImap, tagged, untagged } from './helpers/raw-client.js';

let lab: TestLab;
let port: number;

before(async () => {
  lab = await startImapLab({ extraUsers: 6 });
  port = lab.endpoint('imap').port;
});
after(() => lab.dispose());

async function session(user: string, body: (client: RawImap) => Promise<void>): Promise<void> {
  const client = await loggedIn(port, user);
  try {
    await body(client);
  } finally {
    client.close();
  }
}

test('LIST: the delimiter, every folder with CHILDREN and SPECIAL-USE attributes, % stops at a level', async () => {
  await session('u1', async (c) => {
    assert.deepEqual(untagged(await c.command('l1', 'LIST "" ""')), ['* LIST (\\Noselect) "." ""']);
    assert.match(tagged(await c.command('l2', 'CREATE Projects.2024.Q1')), /^l2 OK/);
    const all = untagged(await c.command('l3', 'LIST "" *'));
    assert.deepEqual(all, [
      '* LIST (\\HasNoChildren) "." "INBOX"',
      '* LIST (\\HasNoChildren \\Drafts) "." "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "." "Junk"',
      '* LIST (\\HasChildren) "." "Projects"',
      '* LIST (\\HasChildren) "." "Projects.2024"',
      '* LIST (\\HasNoChildren) "." "Projects.2024.Q1"',
      '* LIST (\\HasNoChildren \\Sent) "." "Sent"',
      '* LIST (\\HasNoChildren \\Trash) "." "Trash"',
    ]);
    assert.deepEqual(untagged(await c.command('l4', 'LIST "" %')).length, 6);
    assert.deepEqual(untagged(await c.command('l5', 'LIST Projects. %')), ['* LIST (\\HasChildren) "." "Projects.2024"']);
    assert.deepEqual(untagged(await c.command('l6', 'LIST "" inbox')), ['* LIST (\\HasNoChildren) "." "INBOX"']);
    assert.deepEqual(untagged(await c.command('l7', 'LIST "" Proj*Q?')), []);
    assert.match(tagged(await c.command('l8', 'LIST')), /^l8 BAD Error in IMAP command LIST: /);
  });
});

test('LIST-EXTENDED basics: (SPECIAL-USE), RETURN (SUBSCRIBED CHILDREN SPECIAL-USE), (SUBSCRIBED RECURSIVEMATCH), several patterns', async () => {
  await session('u2', async (c) => {
    assert.deepEqual(untagged(await c.command('e1', 'LIST (SPECIAL-USE) "" *')), [
      '* LIST (\\HasNoChildren \\Drafts) "." "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "." "Junk"',
      '* LIST (\\HasNoChildren \\Sent) "." "Sent"',
      '* LIST (\\HasNoChildren \\Trash) "." "Trash"',
    ]);
    await c.command('e2', 'CREATE Lists.wirelab');
    await c.command('e3', 'SUBSCRIBE Lists.wirelab');
    await c.command('e4', 'SUBSCRIBE INBOX');
    await c.command('e5', 'SUBSCRIBE Gone');
    assert.deepEqual(untagged(await c.command('e6', 'LIST "" (INBOX Lists*) RETURN (SUBSCRIBED CHILDREN SPECIAL-USE)')), [
      '* LIST (\\HasNoChildren \\Subscribed) "." "INBOX"',
      '* LIST (\\HasChildren) "." "Lists"',
      '* LIST (\\HasNoChildren \\Subscribed) "." "Lists.wirelab"',
    ]);
    // The special-use folders are subscribed from the start, as Dovecot's auto = subscribe does.
    assert.deepEqual(untagged(await c.command('e7', 'LIST (SUBSCRIBED) "" *')), [
      '* LIST (\\HasNoChildren \\Subscribed) "." "INBOX"',
      '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "." "Drafts"',
      '* LIST (\\Subscribed \\NonExistent) "." "Gone"',
      '* LIST (\\HasNoChildren \\Junk \\Subscribed) "." "Junk"',
      '* LIST (\\HasNoChildren \\Subscribed) "." "Lists.wirelab"',
      '* LIST (\\HasNoChildren \\Sent \\Subscribed) "." "Sent"',
      '* LIST (\\HasNoChildren \\Trash \\Subscribed) "." "Trash"',
    ]);
    assert.deepEqual(untagged(await c.command('e8', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" L%')), ['* LIST (\\HasChildren) "." "Lists" ("CHILDINFO" ("SUBSCRIBED"))']);
    assert.match(tagged(await c.command('e9', 'LIST (RECURSIVEMATCH) "" *')), /^e9 BAD/);
    assert.match(tagged(await c.command('e10', 'LIST "" * RETURN (STATUS (MESSAGES))')), /^e10 BAD/);
  });
});

test('SUBSCRIBE, UNSUBSCRIBE and LSUB (a parent implied by % shows \\Noselect)', async () => {
  await session('u3', async (c) => {
    await c.command('s1', 'CREATE a.b');
    assert.match(tagged(await c.command('s2', 'SUBSCRIBE a.b')), /^s2 OK/);
    assert.match(tagged(await c.command('s3', 'SUBSCRIBE Sent')), /^s3 OK/);
    await c.command('s3b', 'UNSUBSCRIBE Drafts');
    assert.deepEqual(untagged(await c.command('s4', 'LSUB "" *')), ['* LSUB () "." "Junk"', '* LSUB () "." "Sent"', '* LSUB () "." "Trash"', '* LSUB () "." "a.b"']);
    assert.deepEqual(untagged(await c.command('s5', 'LSUB "" %')), ['* LSUB () "." "Junk"', '* LSUB () "." "Sent"', '* LSUB () "." "Trash"', '* LSUB (\\Noselect) "." "a"']);
    assert.match(tagged(await c.command('s6', 'UNSUBSCRIBE Sent')), /^s6 OK/);
    assert.deepEqual(untagged(await c.command('s7', 'LSUB "" a*')), ['* LSUB () "." "a.b"']);
  });
});

test('CREATE, RENAME and DELETE, with the refusals RFC 3501 and RFC 5530 name', async () => {
  await session('u4', async (c) => {
    assert.match(tagged(await c.command('c1', 'CREATE Work.')), /^c1 OK/);
    assert.match(tagged(await c.command('c2', 'CREATE Work')), /^c2 NO \[ALREADYEXISTS\]/);
    assert.match(tagged(await c.command('c3', 'CREATE INBOX')), /^c3 NO \[ALREADYEXISTS\]/);
    assert.match(tagged(await c.command('c4', 'CREATE "Caf\u00e9"')), /^c4 BAD .*modified UTF-7/);
    assert.match(tagged(await c.command('c5', 'CREATE "Caf&AOk-"')), /^c5 OK/);
    assert.match(tagged(await c.command('c6', 'RENAME Work Job')), /^c6 OK/);
    assert.match(tagged(await c.command('c7', 'RENAME Nothing Else')), /^c7 NO \[NONEXISTENT\]/);
    assert.match(tagged(await c.command('c8', 'DELETE INBOX')), /^c8 NO \[CANNOT\]/);
    assert.match(tagged(await c.command('c9', 'DELETE Job')), /^c9 OK/);
    assert.match(tagged(await c.command('c10', 'DELETE Job')), /^c10 NO \[NONEXISTENT\]/);
    const names = untagged(await c.command('c11', 'LIST "" *')).map((l) => l.replace(/^.* "\." /, ''));
    assert.ok(names.includes('"Caf&AOk-"') && !names.includes('"Job"') && !names.includes('"Work"'));
  });
});

test('RENAME INBOX moves its messages into the new folder and leaves INBOX empty (RFC 3501 §6.3.5)', async () => {
  await deliver(lab, 'u5@st.um', [sampleMessage(1), sampleMessage(2)]);
  await session('u5', async (c) => {
    assert.match(tagged(await c.command('r1', 'RENAME INBOX Old')), /^r1 OK/);
    assert.deepEqual(untagged(await c.command('r2', 'STATUS INBOX (MESSAGES)')), ['* STATUS "INBOX" (MESSAGES 0)']);
    assert.deepEqual(untagged(await c.command('r3', 'STATUS Old (MESSAGES)')), ['* STATUS "Old" (MESSAGES 2)']);
  });
});

test('STATUS counts without selecting; SELECT and EXAMINE report flags, counts, UIDVALIDITY and UIDNEXT', async () => {
  await deliver(lab, 'u6@st.um', [sampleMessage(1), sampleMessage(2), sampleMessage(3)]);
  await session('u6', async (c) => {
    const [status] = untagged(await c.command('t1', 'STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)'));
    assert.match(status!, /^\* STATUS "INBOX" \(MESSAGES 3 RECENT 3 UIDNEXT 4 UIDVALIDITY \d+ UNSEEN 3\)$/);
    assert.match(tagged(await c.command('t2', 'STATUS INBOX (SIZE)')), /^t2 BAD/);
    assert.match(tagged(await c.command('t3', 'STATUS Nowhere (MESSAGES)')), /^t3 NO \[NONEXISTENT\]/);
    const examine = untagged(await c.command('t4', 'EXAMINE INBOX'));
    assert.ok(examine.includes('* OK [PERMANENTFLAGS ()] Read-only mailbox.'));
    assert.ok(examine.includes('* 3 RECENT'));
    const select = await c.command('t5', 'SELECT INBOX');
    assert.match(tagged(select), /^t5 OK \[READ-WRITE\] Select completed\.$/);
    const lines = untagged(select);
    assert.deepEqual(lines.slice(0, 5), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.',
      '* 3 EXISTS',
      '* 3 RECENT',
      '* OK [UNSEEN 1] First unseen.',
    ]);
    const validity = /UIDVALIDITY (\d+)/.exec(status!)![1];
    assert.deepEqual(lines.slice(5), [`* OK [UIDVALIDITY ${validity}] UIDs valid`, '* OK [UIDNEXT 4] Predicted next UID']);
    assert.match(tagged(await c.command('t6', 'SELECT Nowhere')), /^t6 NO \[NONEXISTENT\]/);
    assert.match(tagged(await c.command('t7', 'FETCH 1 FLAGS')), /^t7 BAD .*No mailbox selected/, 'a failed SELECT leaves no mailbox selected');
    await c.command('t8', 'SELECT INBOX');
    assert.deepEqual(untagged(await c.command('t9', 'FETCH 1:* FLAGS')), ['* 1 FETCH (FLAGS ())', '* 2 FETCH (FLAGS ())', '* 3 FETCH (FLAGS ())'], '\\Recent belongs to the first session that selected');
  });
});

test('APPEND with flags and date gives [APPENDUID]; refuses missing folders with [TRYCREATE] and big messages with [TOOBIG]', async () => {
  await session('user2', async (c) => {
    const message = sampleMessage(7, { subject: 'Appended' });
    c.send(`p1 APPEND Drafts (\\Draft $Pending) "17-Jul-1996 02:44:25 -0700" {${message.length}}\r\n`);
    assert.match((await c.response()).text, /^\+ /);
    c.send(Buffer.concat([message, Buffer.from('\r\n')]));
    const appended = tagged(await c.until('p1'));
    assert.match(appended, /^p1 OK \[APPENDUID \d+ 1\] Append completed\.$/);
    await c.command('p2', 'SELECT Drafts');
    const [fetched] = untagged(await c.command('p3', 'FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])'));
    assert.equal(fetched, `* 1 FETCH (UID 1 FLAGS (\\Draft $Pending \\Recent) INTERNALDATE "${fetched!.match(/INTERNALDATE "([^"]+)"/)![1]}" RFC822.SIZE ${message.length} BODY[] {${message.length}}\r\n${message.toString('latin1')})`);
    const internal = fetched!.match(/INTERNALDATE "([^"]+)"/)![1]!;
    assert.equal(new Date(internal.replace(/^ ?(\d+)-(\w+)-(\d+) /, '$2 $1 $3 ')).getTime(), Date.UTC(1996, 6, 17, 9, 44, 25));
    assert.match(tagged(await c.command('p4', 'APPEND Nowhere {3+}\r\nabc')), /^p4 NO \[TRYCREATE\]/);
    c.send(`p5 APPEND INBOX {${40 * 1024 * 1024}}\r\n`);
    assert.match((await c.response()).text, /^p5 NO \[TOOBIG\]/);
    assert.match(tagged(await c.command('p6', 'APPEND INBOX {0+}\r\n')), /^p6 NO/);
    assert.match(tagged(await c.command('p7', 'APPEND INBOX "not a literal"')), /^p7 BAD/);
    assert.match(tagged(await c.command('p8', 'NOOP')), /^p8 OK/);
  });
});

test('NAMESPACE, ID and ENABLE', async () => {
  await session('user3@um.es', async (c) => {
    assert.deepEqual(untagged(await c.command('n1', 'NAMESPACE')), ['* NAMESPACE (("" ".")) NIL NIL']);
    assert.deepEqual(untagged(await c.command('n2', 'ID ("name" "test" "version" "1")')), ['* ID ("name" "wirelab" "vendor" "wirelab" "support-url" "https://github.com/wirelab")']);
    assert.match(tagged(await c.command('n3', 'ID NIL')), /^n3 OK/);
    assert.deepEqual(untagged(await c.command('n4', 'ENABLE CONDSTORE')), ['* ENABLED']);
  });
});
