import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestLab } from '../helpers/lab.js';
import { deliver, sampleMessage } from './helpers/imap-lab.js';
import { playImap } from './helpers/golden.js';

/** The message of seed 002 (the French lab sheet), as Postfix delivered it there. */
const SEED_002_MESSAGE = Buffer.from(
  [
    'Return-Path: <mbappe@fft.fr>',
    'X-Original-To: étudiant@st.um',
    'Delivered-To: étudiant@st.um',
    'Received: from Bonjour?je?suis?un?etudiant (unknown [127.0.0.1])',
    '\tby st.um (wirelab) with SMTP id CFF2140BF8',
    '\tfor <étudiant@st.um>; Mon, 16 Jan 2023 13:09:16 +0100 (CET)',
    '',
    'Cher étudiant que vous êtes bon, si bon que vous pouvez aller chercher un café pour le prof',
    '',
  ].join('\r\n'),
);

const FOLDERS = ['S: * LIST (\\HasNoChildren) "." "INBOX"', 'S: * LIST (\\HasNoChildren \\Drafts) "." "Drafts"', 'S: * LIST (\\HasNoChildren \\Junk) "." "Junk"', 'S: * LIST (\\HasNoChildren \\Sent) "." "Sent"', 'S: * LIST (\\HasNoChildren \\Trash) "." "Trash"'];

/** Seed 002 §3.3 "Lire avec IMAP4", typed at telnet: login, list, examine, fetch, the untagged logout, logout. */
const SEED_002 = `
S: * OK [CAPABILITY IMAP4rev1 * AUTH=PLAIN *] wirelab IMAP4rev1 ready.
C: 1 login étudiant Etudiant1
S: 1 OK [CAPABILITY IMAP4rev1 *] Logged in
C: 2 list "" "*"
${FOLDERS.join('\n')}
S: 2 OK List completed.
C: 3 examine inbox
S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
S: * OK [PERMANENTFLAGS ()] Read-only mailbox.
S: * 1 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 1] First unseen.
S: * OK [UIDVALIDITY *] UIDs valid
S: * OK [UIDNEXT 2] Predicted next UID
S: 3 OK [READ-ONLY] Examine completed.
C: 4 fetch 1 body[]
S: * 1 FETCH (BODY[] {${SEED_002_MESSAGE.length}}
${SEED_002_MESSAGE.toString('utf8')
  .split('\r\n')
  .slice(0, -1)
  .map((l) => `S: ${l}`)
  .join('\n')}
S: )
S: 4 OK Fetch completed.
C: logout
S: logout BAD Error in IMAP command: *
C: 5 logout
S: * BYE Logging out
S: 5 OK Logout completed.
`;

/** Seed 001's slides (Dovecot at telnet): login by address, LIST without arguments, SELECT, LIST, FETCH 1:15 ENVELOPE. */
function seed001(envelopes: string[]): string {
  return `
S: * OK [CAPABILITY IMAP4rev1 *] wirelab IMAP4rev1 ready.
C: a001 login user1@st.um password
S: a001 OK [CAPABILITY IMAP4rev1 *] Logged in
C: a002 list
S: a002 BAD Error in IMAP command LIST: *
C: a003 select inbox
S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.
S: * 15 EXISTS
S: * 15 RECENT
S: * OK [UNSEEN 1] First unseen.
S: * OK [UIDVALIDITY *] UIDs valid
S: * OK [UIDNEXT 16] Predicted next UID
S: a003 OK [READ-WRITE] Select completed.
C: a004 list "" *
${FOLDERS.join('\n')}
S: a004 OK List completed.
C: a005 FETCH 1:15 ENVELOPE
${envelopes.map((e, i) => `S: * ${i + 1} FETCH (ENVELOPE ${e})`).join('\n')}
S: a005 OK Fetch completed.
C: a006 logout
S: * BYE Logging out
S: a006 OK Logout completed.
`;
}

test('seed 002: the French lab sheet’s telnet session, UTF-8 user name, EXAMINE, fetch 1 body[], untagged logout', async (t) => {
  const lab = await startTestLab({
    edit: (config) => {
      config.services = { imap: { host: 'st.um' } };
      config.users = [...(config.users ?? []), { address: 'étudiant@st.um', password: 'Etudiant1' }];
    },
  });
  t.after(() => lab.dispose());
  await deliver(lab, 'étudiant@st.um', [SEED_002_MESSAGE]);
  assert.deepEqual(await playImap(lab.endpoint('imap').port, SEED_002), []);
});

test('seed 001: Dovecot’s session from the slides, with 15 messages', async (t) => {
  const lab = await startTestLab({ edit: (config) => void (config.services = { imap: { host: 'st.um' } }) });
  t.after(() => lab.dispose());
  const messages = Array.from({ length: 15 }, (_, i) => sampleMessage(i + 1));
  await deliver(lab, 'user1@st.um', messages);
  const envelopes = messages.map(
    (_, i) =>
      `("Mon, 1 Jan 2024 10:${String((i + 1) % 60).padStart(2, '0')}:00 +0000" "Message ${i + 1}" (("Alice Example" NIL "alice" "um.es")) (("Alice Example" NIL "alice" "um.es")) (("Alice Example" NIL "alice" "um.es")) ((NIL NIL "user1" "st.um")) NIL NIL NIL "<m${i + 1}@um.es>")`,
  );
  assert.deepEqual(await playImap(lab.endpoint('imap').port, seed001(envelopes)), []);
});
