import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeMessage } from '../../src/dns/wire/message.js';
import type { Conversation } from '../../src/net/transcripts.js';
import type { DataEvent } from '../../src/net/tap.js';
import { CLI } from '../helpers/lab-process.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { hasCommand, run } from '../helpers/run.js';

const CLIENTS = ['tshark', 'capinfos', 'swaks', 'curl', 'dig'];
const missing = CLIENTS.filter((c) => !hasCommand(c));
let lab: TestLab;
let workDir: string;

before(async () => {
  if (missing.length > 0) return;
  lab = await startTestLab();
  workDir = await mkdtemp(join(tmpdir(), 'wirelab-capture-'));
});

after(async () => {
  await lab?.dispose();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function dataEvents(conv: Conversation): DataEvent[] {
  return conv.events.filter((e): e is DataEvent => e.type === 'data');
}

function newest(service: string): Conversation {
  const conv = lab.transcripts
    .list()
    .filter((c) => c.open.service === service && c.open.client.port !== 0 && dataEvents(c).length > 0)
    .at(-1);
  assert.ok(conv, `a ${service} conversation was recorded`);
  return conv;
}

/** `wirelab capture` of one conversation, server port written as the standard one so tshark picks the dissector. */
async function capture(conv: Conversation, name: string): Promise<string> {
  const file = join(workDir, `${name}.pcapng`);
  const result = await run(process.execPath, [CLI, 'capture', '--data', lab.dataDir.root, '--out', file, '--conversation', conv.open.conn, '--standard-ports']);
  assert.equal(result.code, 0, result.stderr);
  const info = await run('capinfos', [file]);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /File type:\s+Wireshark\/\.\.\. - pcapng/);
  assert.match(info.stdout, /Strict time order:\s+True/);
  return file;
}

/** One row per frame; `occurrence` picks the first or last value when a frame holds several lines. */
async function tsharkFields(file: string, filter: string, fields: string[], occurrence: 'f' | 'l' = 'f'): Promise<string[][]> {
  const result = await run('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-E', `occurrence=${occurrence}`, ...fields.flatMap((f) => ['-e', f])]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'))
    .filter((row) => row.some((cell) => cell !== ''));
}

const firstLine = (bytes: Buffer): string => bytes.toString('utf8').split('\r\n')[0] ?? '';

/** `tshark -z follow,tcp,raw` gives each side's bytes in hex, the server's indented by a tab. */
async function followedBytes(file: string): Promise<{ client: Buffer; server: Buffer }> {
  const result = await run('tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0']);
  assert.equal(result.code, 0, result.stderr);
  const body = result.stdout.split('\n').filter((l) => /^\t?[0-9a-f]+$/.test(l));
  return {
    client: Buffer.from(body.filter((l) => !l.startsWith('\t')).join(''), 'hex'),
    server: Buffer.from(body.filter((l) => l.startsWith('\t')).map((l) => l.slice(1)).join(''), 'hex'),
  };
}

async function assertBytesExact(file: string, conv: Conversation): Promise<void> {
  const followed = await followedBytes(file);
  const side = (from: 'client' | 'server'): Buffer => Buffer.concat(dataEvents(conv).filter((e) => e.from === from).map((e) => e.bytes));
  assert.ok(followed.client.equals(side('client')), 'the client bytes are reproduced exactly');
  assert.ok(followed.server.equals(side('server')), 'the server bytes are reproduced exactly');
  const ascii = await run('tshark', ['-r', file, '-q', '-z', 'follow,tcp,ascii,0']);
  for (const event of dataEvents(conv)) assert.ok(ascii.stdout.includes(firstLine(event.bytes)), `follow,tcp,ascii shows ${firstLine(event.bytes)}`);
}

test('tshark decodes an SMTP conversation with the commands and replies of the transcript, in order, bytes exact', async (t) => {
  if (missing.length > 0) return t.skip(`${missing.join(', ')} not installed`);
  const smtp = lab.endpoint('smtp');
  const sent = await run('swaks', ['--server', `${smtp.address}:${smtp.port}`, '--from', 'someone@um.es', '--to', 'user2@st.um', '--header', 'Subject: capture me']);
  assert.equal(sent.code, 0, sent.stderr);
  const conv = newest('smtp');
  const file = await capture(conv, 'smtp');
  const rows = await tsharkFields(file, 'smtp', ['smtp.req.command', 'smtp.req.parameter', 'smtp.response.code']);
  let lastCode = '';
  const expected = dataEvents(conv).map((e) => {
    const line = firstLine(e.bytes);
    if (e.from === 'server') {
      lastCode = line.slice(0, 3);
      return ['', '', lastCode];
    }
    if (lastCode === '354') return undefined; // the message itself: tshark hands it to IMF
    const [verb = '', ...rest] = line.split(' ');
    return [verb, rest.join(' '), ''];
  });
  assert.deepEqual(rows, expected.filter((row) => row !== undefined));
  assert.deepEqual(rows.filter((r) => r[0]).map((r) => r[0]), ['EHLO', 'MAIL', 'RCPT', 'DATA', 'QUIT']);
  await assertBytesExact(file, conv);
});

test('tshark decodes POP3 and IMAP conversations as the transcript has them', async (t) => {
  if (missing.length > 0) return t.skip(`${missing.join(', ')} not installed`);
  const pop3 = lab.endpoint('pop3');
  const retrieved = await run('curl', ['-s', '--max-time', '20', `pop3://${pop3.address}:${pop3.port}/1`, '-u', 'user2@st.um:password']);
  assert.equal(retrieved.code, 0, retrieved.stderr);
  const pop = newest('pop3');
  const popFile = await capture(pop, 'pop3');
  const popRows = await tsharkFields(popFile, 'pop', ['pop.request.command', 'pop.request.parameter', 'pop.response.indicator']);
  const popExpected = dataEvents(pop).flatMap((e): string[][] => {
    const line = firstLine(e.bytes);
    if (e.from === 'client') {
      const [verb = '', ...rest] = line.split(' ');
      return [[verb, rest.join(' '), '']];
    }
    const indicator = /^(\+OK|-ERR)/.exec(line)?.[1];
    return indicator ? [['', '', indicator]] : [];
  });
  assert.deepEqual(popRows, popExpected);
  assert.ok(popRows.some((r) => r[0] === 'RETR'));
  await assertBytesExact(popFile, pop);

  const imap = lab.endpoint('imap');
  const read = await run('curl', ['-s', '--max-time', '20', `imap://${imap.address}:${imap.port}/INBOX;UID=1`, '-u', 'user2@st.um:password']);
  assert.equal(read.code, 0, read.stderr);
  const conv = newest('imap');
  const imapFile = await capture(conv, 'imap');
  const imapRows = await tsharkFields(imapFile, 'imap', ['imap.request_tag', 'imap.request.command', 'imap.response_tag', 'imap.response.status'], 'l');
  const imapExpected = dataEvents(conv).flatMap((e): string[][] => {
    const lines = e.bytes.toString('utf8').split('\r\n').filter((l) => l !== '');
    if (e.from === 'client') {
      const [tag = '', command = '', sub = ''] = (lines[0] ?? '').split(' ');
      return [[tag, command.toUpperCase() === 'UID' ? sub.toUpperCase() : command.toUpperCase(), '', '']];
    }
    const tagged = lines.map((l) => /^([A-Za-z0-9]+) (OK|NO|BAD) /.exec(l)).filter((m) => m !== null).at(-1);
    return tagged ? [['', '', tagged[1] ?? '', tagged[2] ?? '']] : [];
  });
  assert.deepEqual(imapRows, imapExpected);
  assert.ok(imapRows.some((r) => r[1] === 'FETCH'));
  await assertBytesExact(imapFile, conv);
});

test('tshark decodes a dig query over UDP as the DNS message the transcript holds', async (t) => {
  if (missing.length > 0) return t.skip(`${missing.join(', ')} not installed`);
  const dns = lab.services.find((s) => s.name === 'dns')!.endpoints.find((e) => e.transport === 'udp')!;
  const dig = await run('dig', [`@${dns.address}`, '-p', String(dns.port), 'www.st.um', 'A', '+tries=1', '+time=5']);
  assert.equal(dig.code, 0, dig.stderr);
  const conv = lab.transcripts
    .list()
    .filter((c) => c.open.kind === 'dns' && c.open.transport === 'udp' && c.open.client.address === '127.0.0.1' && dataEvents(c).some((e) => decodeMessage(e.bytes).questions[0]?.name.toLowerCase() === 'www.st.um'))
    .at(-1);
  assert.ok(conv, 'the dig query was recorded');
  const file = await capture(conv, 'dns');
  const rows = await tsharkFields(file, 'dns', ['dns.id', 'dns.flags.response', 'dns.qry.name', 'dns.qry.type', 'dns.count.answers']);
  const expected = dataEvents(conv).map((e) => {
    const m = decodeMessage(e.bytes);
    return [`0x${m.id.toString(16).padStart(4, '0')}`, m.qr ? '1' : '0', m.questions[0]?.name ?? '', String(m.questions[0]?.type ?? ''), String(m.answers.length)];
  });
  assert.deepEqual(rows, expected);
  const payloads = await run('tshark', ['-r', file, '-T', 'fields', '-e', 'udp.payload']);
  assert.deepEqual(payloads.stdout.trim().split('\n'), dataEvents(conv).map((e) => e.bytes.toString('hex')));
});

test('a capture of several conversations has valid checksums, handshakes and FINs, in time order', async (t) => {
  if (missing.length > 0) return t.skip(`${missing.join(', ')} not installed`);
  const file = join(workDir, 'all.pcapng');
  const result = await run(process.execPath, [CLI, 'capture', '--data', lab.dataDir.root, '--out', file, '--since', '10m']);
  assert.equal(result.code, 0, result.stderr);
  const info = await run('capinfos', ['-c', '-M', file]);
  assert.match(info.stdout, /Number of packets:\s+\d{2,}/);
  const problems = await run('tshark', [
    '-r', file,
    '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE',
    '-Y', 'ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad" || tcp.analysis.flags || _ws.malformed || _ws.expert.severity >= "warning"',
  ]);
  assert.equal(problems.code, 0, problems.stderr);
  assert.equal(problems.stdout.trim(), '', `no bad checksum, no TCP analysis warning:\n${problems.stdout}`);
  const syns = await tsharkFields(file, 'tcp.flags.syn == 1 && tcp.flags.ack == 0', ['tcp.stream']);
  const fins = await tsharkFields(file, 'tcp.flags.fin == 1', ['tcp.stream']);
  assert.ok(syns.length > 0);
  assert.equal(fins.length, syns.length * 2, 'every closed TCP conversation ends with a FIN from each side');

  const bad = await run(process.execPath, [CLI, 'capture', '--data', lab.dataDir.root, '--out', file, '--since', 'yesterday']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /since=yesterday: expected a duration/);
});
