import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CATALOGUES, catalogueForKind } from '../../src/console/explain/index.js';
import { RCODES } from '../../src/dns/rcodes.js';
import { IMAP_COMMANDS } from '../../src/mail/imap/commands/index.js';
import { POP3_COMMANDS } from '../../src/mail/pop3/commands/index.js';
import { COMMANDS } from '../../src/mail/smtp/commands/index.js';
import { REPLIES } from '../../src/mail/smtp/replies.js';
import { parseTranscript } from '../helpers/transcript.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

function terms(protocol: string): Set<string> {
  const catalogue = CATALOGUES.find((c) => c.protocol === protocol);
  assert.ok(catalogue);
  return new Set(catalogue.entries().map((e) => e.term));
}

test('the catalogue covers every command and reply code of SMTP, POP3, IMAP and DNS', () => {
  const smtp = terms('smtp');
  for (const command of COMMANDS) assert.ok(smtp.has(command.verb), `SMTP ${command.verb}`);
  // RFC 5321 §4.2.3's reply codes, and those of STARTTLS and AUTH.
  for (const code of [211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 450, 451, 452, 454, 455, 500, 501, 502, 503, 504, 530, 535, 550, 551, 552, 553, 554, 555]) {
    assert.ok(smtp.has(String(code)), `SMTP reply ${code}`);
  }
  const pop3 = terms('pop3');
  for (const command of POP3_COMMANDS) assert.ok(pop3.has(command.verb), `POP3 ${command.verb}`);
  for (const status of ['+OK', '-ERR', '[IN-USE]', '[AUTH]', '[SYS/TEMP]']) assert.ok(pop3.has(status), `POP3 ${status}`);
  const imap = terms('imap');
  for (const command of IMAP_COMMANDS) assert.ok(imap.has(command.name), `IMAP ${command.name}`);
  for (const status of ['OK', 'NO', 'BAD', 'PREAUTH', 'BYE', '* n EXISTS', '* n FETCH', '+', '[UIDVALIDITY]']) assert.ok(imap.has(status), `IMAP ${status}`);
  const dns = terms('dns');
  for (const rcode of Object.keys(RCODES)) assert.ok(dns.has(rcode), `DNS ${rcode}`);
  for (const item of ['QUERY', 'NOTIFY', 'A', 'MX', 'SOA', 'SRV', 'AXFR']) assert.ok(dns.has(item), `DNS ${item}`);
  for (const catalogue of CATALOGUES) {
    for (const entry of catalogue.entries()) assert.ok(entry.meaning.length > 3 && /RFC|convention/.test(entry.rfc), `${catalogue.protocol} ${entry.term} has a meaning and a reference`);
  }
});

test('every line of the seeds\' SMTP conversations is explained, replies by the server\'s own catalogue', async () => {
  for (const name of await readdir(`${FIXTURES}smtp`)) {
    const reader = catalogueForKind('smtp')!.reader();
    let inData = false;
    for (const step of parseTranscript(await readFile(`${FIXTURES}smtp/${name}`, 'utf8'))) {
      const line = step.text.replace(/\*/g, 'x');
      const explanation = reader.explain(step.from === 'C' ? 'client' : 'server', line);
      if (step.from === 'C' && inData) {
        assert.equal(explanation?.term, 'message', `${name}: "${line}" is part of the message`);
        if (line === '.') inData = false;
        continue;
      }
      assert.ok(explanation, `${name}: "${line}" is explained`);
      if (step.from === 'S' && line.startsWith('354')) inData = true;
    }
  }
  const reader = catalogueForKind('submission')!.reader();
  reader.explain('client', 'EHLO arquiredes.net');
  assert.equal(reader.explain('server', '250-PIPELINING')?.rfc, 'RFC 2920');
  assert.equal(reader.explain('server', '250 2.1.5 Ok')?.meaning, REPLIES.recipientOk.meaning);
  assert.equal(reader.explain('client', 'DATA')?.rfc, 'RFC 5321 §4.1.1.4');
  assert.equal(reader.explain('server', '354 End data with <CR><LF>.<CR><LF>')?.meaning, REPLIES.startData.meaning);
  assert.equal(reader.explain('client', 'Subject: hi')?.term, 'message');
  assert.equal(reader.explain('server', '599 strange')?.term, '599');
});

test('the seeds\' POP3 conversations: commands, status lines and multi-line answers explained', async () => {
  for (const name of await readdir(`${FIXTURES}pop3`)) {
    const reader = catalogueForKind('pop3')!.reader();
    for (const step of parseTranscript(await readFile(`${FIXTURES}pop3/${name}`, 'utf8'))) {
      const line = step.text.replace(/\*/g, '1');
      const explanation = reader.explain(step.from === 'C' ? 'client' : 'server', line);
      if (step.from === 'C' || /^[+-]/.test(line) || line === '.') assert.ok(explanation, `${name}: "${line}" is explained`);
    }
  }
  const reader = catalogueForKind('pop3')!.reader();
  reader.explain('client', 'LIST');
  reader.explain('server', '+OK 2 messages:');
  assert.equal(reader.explain('server', '1 120')?.term, 'scan listing');
  assert.equal(reader.explain('server', '.')?.term, '.');
  reader.explain('client', 'LIST 1');
  reader.explain('server', '+OK 1 120');
  assert.equal(reader.explain('client', 'PASS secret')?.term, 'PASS');
  assert.equal(reader.explain('server', '-ERR [AUTH] Authentication failed.')?.term, '-ERR [AUTH]');
});

test('IMAP: tagged completions name their command, response codes and literals are explained', () => {
  const reader = catalogueForKind('imaps')!.reader();
  assert.match(reader.explain('server', '* OK [CAPABILITY IMAP4rev1] ready')?.meaning ?? '', /CAPABILITY\]: The capability list/);
  assert.equal(reader.explain('client', 'a1 UID FETCH 1 BODY[]')?.term, 'UID FETCH');
  assert.equal(reader.explain('server', '* 1 FETCH (UID 1 BODY[] {5}')?.term, '* n FETCH');
  assert.equal(reader.explain('server', 'hello')?.term, 'literal');
  assert.equal(reader.explain('server', ')'), undefined);
  assert.match(reader.explain('server', 'a1 OK Fetch completed.')?.meaning ?? '', /^Completes UID FETCH \(tag a1\)/);
  assert.equal(reader.explain('client', 'a2 FROB')?.rfc, 'RFC 3501 §7.1.3');
});
