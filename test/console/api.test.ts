import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { after, before, test } from 'node:test';
import type { ConversationPage, ConversationSteps, DnsAnswer, MailboxInfo, MessageDetail, ZoneListing } from '../../src/console/api-types.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { RawSmtp } from '../helpers/smtp-client.js';

let lab: TestLab;
let base: string;

before(async () => {
  lab = await startTestLab();
  const c = lab.endpoint('console');
  base = `http://${c.address}:${c.port}`;
});

after(() => lab.dispose());

/** One message over SMTP, as a plain client would send it. */
async function sendMail(port: number, mail: { from: string; to: string[]; body: string }): Promise<void> {
  const { client } = await RawSmtp.connect(port);
  await client.send('EHLO client.example');
  await client.send(`MAIL FROM:<${mail.from}>`);
  for (const to of mail.to) await client.send(`RCPT TO:<${to}>`);
  await client.send('DATA');
  const queued = await client.send(`${mail.body}.`);
  assert.match(queued.at(-1) ?? '', /^250 /);
  await client.send('QUIT');
  client.socket.destroy();
}

async function get<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${base}${path}`, init);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${path} answers JSON`);
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

async function refused(path: string, status: number, reason: RegExp, init?: RequestInit): Promise<void> {
  const res = await get<{ error: string }>(path, init);
  assert.equal(res.status, status, `${path} → ${status}`);
  assert.match(res.body.error, reason);
}

test('bad requests get a JSON error with the reason: 400 for parameters, 404 for unknown ids, 405 with Allow', async () => {
  await refused('/api/conversations?limit=0', 400, /limit=0: expected a whole number from 1 to 1000/);
  await refused('/api/conversations?limit=abc', 400, /limit=abc/);
  await refused('/api/conversations?offset=-3', 400, /offset=-3/);
  await refused('/api/conversations?since=soon', 400, /since=soon: expected a duration like 30s, 10m/);
  await refused('/api/conversations/smtp-zz-0000', 404, /no conversation smtp-zz-0000/);
  await refused('/api/conversations/smtp-zz-0000/steps', 404, /no conversation/);
  await refused('/api/conversations/smtp-zz-0000/capture.pcapng', 404, /no conversation/);
  await refused('/api/nothing-here', 404, /no such endpoint \/api\/nothing-here/);
  await refused('/api/mailboxes/nobody@st.um/messages', 404, /no user nobody@st\.um/);
  await refused('/api/mailboxes/user2@st.um/messages/abc', 400, /uid abc: expected a message UID/);
  await refused('/api/mailboxes/user2@st.um/messages/999', 404, /no message with UID 999 in INBOX/);
  await refused('/api/mailboxes/user2@st.um/messages?folder=Nope', 404, /has no folder Nope/);
  await refused('/api/mailboxes/%E0%A4%A/messages', 400, /not a valid percent-encoded address/);
  await refused('/api/messages/latest', 400, /to: give the recipient/);
  await refused('/api/dns/query?name=st.um&type=BOGUS', 400, /type=BOGUS: expected a record type/);
  await refused('/api/dns/query?name=not%20a%20name', 400, /name=not a name: expected a domain name/);
  await refused('/api/dns/zones/nope.test', 404, /nope\.test is not a zone of this lab/);
  await refused('/api/explain/gopher', 404, /no catalogue for gopher/);
  await refused('/api/services/nope/probe', 404, /no running service named nope/, { method: 'POST' });

  const wrongMethod = await get<{ error: string }>('/api/conversations', { method: 'DELETE' });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.get('allow'), 'GET');
  const probeByGet = await get<{ error: string }>('/api/services/smtp/probe');
  assert.equal(probeByGet.status, 405);
  assert.equal(probeByGet.headers.get('allow'), 'POST');

  const traversal = await fetch(`${base}/..%2f..%2fetc/passwd`);
  assert.equal(traversal.status, 404);
});

test('conversations are listed newest first and paged; each has its events, diagram steps and capture', async () => {
  const smtp = lab.endpoint('smtp');
  for (const subject of ['first', 'second', 'third']) {
    await sendMail(smtp.port, { from: 'a@um.es', to: ['user2@st.um'], body: `Subject: ${subject}\r\n\r\nhello\r\n` });
  }
  const all = await get<ConversationPage>('/api/conversations?service=smtp');
  assert.equal(all.status, 200);
  assert.equal(all.body.total, 3);
  const page = await get<ConversationPage>('/api/conversations?service=smtp&limit=1&offset=1');
  assert.deepEqual(page.body.items.map((c) => c.id), [all.body.items[1]!.id]);
  assert.equal(page.body.total, 3);
  assert.ok(all.body.items[0]!.startedAt >= all.body.items[1]!.startedAt);
  const since = await get<ConversationPage>('/api/conversations?service=smtp&since=1h');
  assert.equal(since.body.total, 3);

  const id = all.body.items[0]!.id;
  const detail = await get<{ events: { type: string }[]; closed: boolean }>(`/api/conversations/${id}`);
  assert.equal(detail.body.events[0]?.type, 'open');
  assert.equal(detail.body.closed, true);
  const steps = await get<ConversationSteps>(`/api/conversations/${id}/steps?view=server`);
  assert.equal(steps.body.protocol, 'smtp');
  const labels = steps.body.steps.filter((s) => s.kind === 'data' && s.from === 'client').map((s) => s.label.split(' ')[0]);
  assert.deepEqual(labels.slice(0, 2), ['EHLO', 'MAIL']);
  assert.ok(steps.body.steps.filter((s) => s.kind === 'data').every((s) => s.lines[0]?.explanation), 'every command and reply is explained');
  await refused(`/api/conversations/${id}/steps?view=spy`, 400, /view=spy: expected one of server, eavesdropper/);

  const capture = await fetch(`${base}/api/conversations/${id}/capture.pcapng`);
  assert.equal(capture.status, 200);
  assert.equal(capture.headers.get('content-disposition'), `attachment; filename="${id}.pcapng"`);
  const bytes = Buffer.from(await capture.arrayBuffer());
  assert.equal(bytes.readUInt32LE(0), 0x0a0d0d0a, 'a pcapng section header');
});

test('mailboxes: the last message to a user, with headers explained, its path linked to the SMTP conversation, and the raw source', async () => {
  const smtp = lab.endpoint('smtp');
  await sendMail(smtp.port, { from: 'teacher@um.es', to: ['user1@st.um'], body: 'Subject: =?UTF-8?B?w4lsw6h2ZQ==?=\r\nCc: user2@st.um\r\n\r\nbody\r\n' });
  const latest = await get<MessageDetail>('/api/messages/latest?to=user1');
  assert.equal(latest.status, 200);
  assert.equal(latest.body.address, 'user1@st.um');
  assert.equal(latest.body.subject, 'Élève');
  const names = latest.body.headers.map((h) => h.name);
  assert.equal(names[0], 'Return-Path');
  assert.ok(names.includes('Received'));
  assert.match(latest.body.headers.find((h) => h.name === 'Cc')?.explanation?.rfc ?? '', /RFC 5322 §3\.6\.3/);
  const hop = latest.body.path[0];
  assert.ok(hop?.id && hop.conversations.length === 1, 'the Received hop names the conversation that carried the message');
  const carrier = await get<{ events: { type: string; text?: string }[] }>(`/api/conversations/${hop.conversations[0]}`);
  assert.ok(carrier.body.events.some((e) => e.type === 'note' && e.text?.startsWith(`queued as ${hop.id}`)));

  const raw = await fetch(`${base}/api/mailboxes/user1@st.um/messages/${latest.body.uid}/raw`);
  assert.equal(raw.headers.get('content-type'), 'message/rfc822');
  assert.equal(Buffer.from(await raw.arrayBuffer()).toString('utf8'), latest.body.source);

  const boxes = await get<MailboxInfo[]>('/api/mailboxes');
  const inbox = boxes.body.find((m) => m.address === 'user1@st.um')?.folders.find((f) => f.name === 'INBOX');
  assert.equal(inbox?.messages, 1);
  // Looking is read-only: the message is still unseen, and the Maildir still has it in new/.
  assert.equal(inbox?.unseen, 1);
  const list = await get<{ items: { flags: string[] }[] }>('/api/mailboxes/user1%40st.um/messages');
  assert.deepEqual(list.body.items[0]?.flags, []);
  await readFile(lab.dataDir.maildirOf('user1@st.um') + '/dovecot-uidlist', 'utf8');
});

test('DNS: a real query answered as dig shows it, NXDOMAIN explained, and a zone copied by AXFR', async () => {
  const mx = await get<DnsAnswer>('/api/dns/query?name=st.um&type=MX');
  assert.equal(mx.status, 200);
  assert.equal(mx.body.header.rcode, 'NOERROR');
  assert.ok(mx.body.header.flags.includes('aa'));
  assert.deepEqual(mx.body.answer.map((r) => r.data).sort(), ['10 mail.st.um.', '20 mail2.st.um.']);
  assert.match(mx.body.digText, /;; ANSWER SECTION:\nst\.um\.\t604800\tIN\tMX\t10 mail\.st\.um\./);
  const missing = await get<DnsAnswer>('/api/dns/query?name=nope.st.um&type=A');
  assert.equal(missing.body.header.rcode, 'NXDOMAIN');
  assert.match(missing.body.rcodeExplanation?.meaning ?? '', /does not exist/);
  assert.equal(missing.body.authority[0]?.type, 'SOA');
  const zone = await get<ZoneListing>('/api/dns/zones/st.um');
  assert.equal(zone.status, 200);
  assert.equal(zone.body.records[0]?.type, 'SOA');
  assert.ok(zone.body.records.some((r) => r.type === 'SRV' && r.name === '_imap._tcp.st.um.'));
});

test('services: status of each, and the probe of wirelab test on demand', async () => {
  const services = await get<{ name: string; status: { state: string } }[]>('/api/services');
  assert.ok(services.body.every((s) => s.status.state === 'running'));
  const probe = await get<{ ok: boolean; detail: string }>('/api/services/smtp/probe', { method: 'POST' });
  assert.equal(probe.status, 200);
  assert.equal(probe.body.ok, true);
  assert.match(probe.body.detail, /221/);
});

test('the web app is served from the package, assets cached, unknown pages 404', async (t) => {
  const index = await fetch(`${base}/`);
  if (index.status === 503) return t.skip('the web app is not built (npm run build:ui)');
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') ?? '', /text\/html/);
  const html = await index.text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script, 'index.html loads a bundled script, not a CDN');
  assert.ok(!/https?:\/\//.test(html.replace(/xmlns="[^"]*"/g, '')), 'no external URL');
  const asset = await fetch(`${base}${script}`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
  assert.equal((await fetch(`${base}/assets/nope.js`)).status, 404);
});

test('the console refuses to run on a host beyond loopback: it has no login', async (t) => {
  // One of this machine's own non-loopback addresses: the check comes before listening, nothing is sent anywhere.
  const own = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!own) return t.skip('this machine has no non-loopback address');
  await assert.rejects(
    startTestLab({
      edit: (config) => {
        config.hosts = [...(config.hosts ?? []), { name: 'outside.st.um', address: own }];
        config.users = [{ address: 'user1@st.um', password: 'not the demo one' }];
        config.services = { console: { host: 'outside.st.um' } };
      },
    }),
    new RegExp(`services\\.console: the console has no login and shows every mailbox and password; run it on a loopback host, not ${own.replace(/\./g, '\\.')}`),
  );
});
