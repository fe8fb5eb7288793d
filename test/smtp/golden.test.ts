import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { maildirMessages } from '../helpers/maildir.js';
import { parseTranscript, replay } from '../helpers/transcript.js';

const fixture = (name: string): Promise<string> => readFile(new URL(`../../../test/fixtures/smtp/${name}`, import.meta.url), 'utf8');

describe('SMTP: the seeds\' conversations, replayed over a real socket', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab();
  });
  after(() => lab.dispose());

  for (const name of ['seed-exim-dummie.txt', 'seed-postfix-helo.txt', 'seed-postfix-etudiant.txt', 'seed-report-ehlo.txt']) {
    it(name, async () => {
      const problems = await replay(parseTranscript(await fixture(name)), lab.endpoint('smtp').port);
      assert.deepEqual(problems, []);
    });
  }

  it('delivered the seed messages into the Maildirs with trace headers, bodies byte-exact', async () => {
    const user2 = await maildirMessages(lab.dataDir.maildirOf('user2@st.um'));
    const texts = user2.map((m) => m.bytes.toString('utf8'));
    const dummie = texts.find((t) => t.includes('Hello dummie!'));
    assert.ok(dummie, 'the dummie message arrived');
    assert.match(dummie, /^Return-Path: <user1@st\.um>\r\nDelivered-To: user2@st\.um\r\nReceived: from st\.um \(st\.um \[127\.0\.0\.1\]\)\r\n\tby st\.um \(wirelab\) with SMTP id [0-9A-F]{12}\r\n\tfor <user2@st\.um>; /);
    // "Hello dummie!" is not a header, so it is body: a blank line separates it from the headers the MTA added.
    assert.match(dummie, /\r\nFrom: <user1@st\.um>\r\n\r\nHello dummie!\r\n$/);
    const etudiant = texts.find((t) => t.includes('étudiant'));
    assert.ok(etudiant?.endsWith('\r\nCher étudiant que vous êtes bon, si bon que vous pouvez aller chercher un café pour le prof\r\n'));
    const user1 = await maildirMessages(lab.dataDir.maildirOf('user1@st.um'));
    assert.ok(user1.some((m) => m.bytes.toString().endsWith('subject: Asunto\r\nEste mensaje es de prueba.\r\nProbamos el protocolo SMTP.\r\n')));
  });
});
