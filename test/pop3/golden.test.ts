import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { deliverToMaildir } from '../../src/mail/store/index.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { maildirMessages } from '../helpers/maildir.js';
import { parseTranscript } from '../helpers/transcript.js';
import { replayPop3 } from './pop3-client.js';

const fixture = (name: string): Promise<string> => readFile(new URL(`../../../test/fixtures/pop3/${name}`, import.meta.url), 'utf8');
const crlf = (text: string): Buffer => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');

/** The seed's message as Exim stored it for user2 (seed 000 §7.4.1), with CRLF line ends. */
export const DUMMIE = crlf(`Return-path: <user1@st.um>
Envelope-to: user2@st.um
Delivery-date: Sun, 18 May 2014 21:05:06 +0200
Received: from [172.16.22.136] (helo=st.um)
          by ubuntu with smtp (Exim 4.76)
          (envelope-from <user1@st.um>)
          id 1Wm60I-0001ms-8z
          for user2@st.um; Sun, 18 May 2014 21:05:06 +0200
Message-Id: <E1Wm60I-0001ms-8z@ubuntu>
From: user1@st.um
Date: Sun, 18 May 2014 21:05:06 +0200

Hello dummie!
`);

const ETUDIANT = crlf(`Return-Path: <mbappe@fft.fr>
X-Original-To: user1@st.um
Delivered-To: user1@st.um
Received: from Bonjour?je?suis?un?etudiant (unknown [192.168.56.131])
    by debian-11-GNS3.lan (Postfix) with SMTP id CFF2140BF8
    for <user1@st.um>; Mon, 16 Jan 2023 13:09:16 +0100 (CET)

Cher étudiant que vous êtes bon, si bon que vous pouvez aller chercher un café pour le prof
Second line, which TOP 1 1 does not show.
`);

describe("POP3: the seeds' conversations, replayed over a real socket", () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab();
    const user2 = lab.dataDir.maildirOf('user2@st.um');
    for (let i = 1; i <= 4; i += 1) await deliverToMaildir(user2, crlf(`From: user1@st.um\nSubject: number ${i}\n\nMessage ${i}.\n`));
    await deliverToMaildir(user2, DUMMIE);
    await deliverToMaildir(lab.dataDir.maildirOf('user1@st.um'), ETUDIANT);
    const user3 = lab.dataDir.maildirOf('user3@um.es');
    await deliverToMaildir(user3, crlf('Subject: Asunto\n\nEste mensaje es de prueba.\n'));
    await deliverToMaildir(user3, crlf('Subject: Otro\n\nProbamos el protocolo POP3.\n'));
  });
  after(() => lab.dispose());

  it('seed 000: USER, PASS, STAT, LIST, RETR 5, DELE 1, QUIT deletes message 1', async () => {
    assert.deepEqual(await replayPop3(parseTranscript(await fixture('seed-dovecot-user2.txt')), lab.endpoint('pop3').port), []);
    const left = await maildirMessages(lab.dataDir.maildirOf('user2@st.um'));
    assert.equal(left.length, 4);
    assert.ok(!left.some((m) => m.bytes.includes('Subject: number 1\r\n')), 'DELE 1 took effect at QUIT');
    assert.ok(left.some((m) => m.bytes.equals(DUMMIE)), 'RETR leaves the message in place, byte for byte');
  });

  it('seed 002: lower-case commands and TOP 1 1', async () => {
    assert.deepEqual(await replayPop3(parseTranscript(await fixture('seed-popa3d-etudiant.txt')), lab.endpoint('pop3').port), []);
  });

  it('seed 004: LIST and RETR 1, logging in by local part', async () => {
    assert.deepEqual(await replayPop3(parseTranscript(await fixture('seed-report-pepe.txt')), lab.endpoint('pop3').port), []);
  });
});
