import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { data } from '../../src/mail/smtp/commands/data.js';
import type { ConversationPage, ConversationSteps } from '../../src/console/api-types.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { hasCommand, run } from '../helpers/run.js';
import { collectErrors, hasChromium, launchChromium, screenshot } from './browser.js';

const WAIT = { timeout: 15_000 };

async function newestConversation(base: string, service: string): Promise<string> {
  const page = (await (await fetch(`${base}/api/conversations?service=${service}&limit=1`)).json()) as ConversationPage;
  const id = page.items[0]?.id;
  assert.ok(id, `a ${service} conversation was recorded`);
  return id;
}

async function steps(base: string, id: string, view: 'server' | 'eavesdropper' = 'server'): Promise<ConversationSteps> {
  return (await (await fetch(`${base}/api/conversations/${id}/steps?view=${view}`)).json()) as ConversationSteps;
}

async function openConversation(page: Page, id: string): Promise<void> {
  await page.click(`#conv-${id}`);
  await page.waitForSelector('.diagram .step', WAIT);
}

test('the console shows swaks, curl imap:// and dig conversations live, explained, and as an eavesdropper sees them', async (t) => {
  const missing = ['swaks', 'curl', 'dig'].filter((c) => !hasCommand(c));
  if (!hasChromium()) return t.skip('chromium not installed (apt-get install chromium)');
  if (missing.length > 0) return t.skip(`${missing.join(', ')} not installed`);
  const lab: TestLab = await startTestLab();
  const browser = await launchChromium();
  try {
    const consoleEndpoint = lab.endpoint('console');
    const base = `http://${consoleEndpoint.address}:${consoleEndpoint.port}`;
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(base);
    await page.waitForFunction("document.getElementById('live-status')?.textContent === 'live'", undefined, WAIT);

    // Three real clients, while the page is open: nothing reloads it.
    const submission = lab.endpoint('submission');
    const sent = await run('swaks', ['--server', `${submission.address}:${submission.port}`, '--from', 'user1@st.um', '--to', 'user2@st.um', '--auth', 'PLAIN', '--auth-user', 'user1@st.um', '--auth-password', 'password', '--header', 'Subject: glass wall']);
    assert.equal(sent.code, 0, sent.stderr);
    const smtpId = await newestConversation(base, 'submission');
    await page.waitForSelector(`#conv-${smtpId}`, WAIT);

    const imap = lab.endpoint('imap');
    const read = await run('curl', ['-s', '--max-time', '20', `imap://${imap.address}:${imap.port}/INBOX;UID=1`, '-u', 'user2@st.um:password']);
    assert.equal(read.code, 0, read.stderr);
    assert.match(read.stdout, /Subject: glass wall/);
    const imapId = await newestConversation(base, 'imap');
    await page.waitForSelector(`#conv-${imapId}`, WAIT);

    const dns = lab.services.find((s) => s.name === 'dns')!.endpoints.find((e) => e.transport === 'udp')!;
    const dig = await run('dig', [`@${dns.address}`, '-p', String(dns.port), 'st.um', 'MX', '+tries=1', '+time=5']);
    assert.equal(dig.code, 0, dig.stderr);
    const dnsConversations = ((await (await fetch(`${base}/api/conversations?service=dns&limit=20`)).json()) as ConversationPage).items;
    const digConversation = dnsConversations.find((c) => c.client.startsWith('127.0.0.1:') && c.bytesFromClient > 0);
    assert.ok(digConversation, 'the dig query was recorded');
    await page.waitForSelector(`#conv-${digConversation.id}`, WAIT);
    await screenshot(page, 'console-live-list');

    // The SMTP conversation: one arrow per command, in the transcript's order.
    await openConversation(page, smtpId);
    const transcript = await steps(base, smtpId);
    const commands = transcript.steps.filter((s) => s.kind === 'data' && s.from === 'client').map((s) => s.label);
    const arrows = await page.$$eval('.diagram .step.arrow.from-client', (nodes) => nodes.map((n) => n.querySelector('text.label')?.textContent ?? ''));
    assert.deepEqual(arrows.map((a) => a.split(' ')[0]), commands.map((c) => c.split(' ')[0]));
    assert.deepEqual(arrows.map((a) => a.split(/[ :]/)[0]), ['EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'message', 'QUIT']);
    const replies = await page.$$eval('.diagram .step.arrow.from-server', (nodes) => nodes.map((n) => (n.querySelector('text.label')?.textContent ?? '').slice(0, 3)));
    assert.deepEqual(replies, ['220', '250', '235', '250', '250', '354', '250', '221']);
    assert.equal(await page.locator('.diagram .step.open').count(), 1, 'the TCP open is drawn');
    assert.equal(await page.locator('.diagram .step.close').count(), 1, 'the TCP close is drawn');

    // Clicking DATA shows what the command registry says about it, and highlights its arrow.
    const dataLine = page.locator('.transcript .t-client', { hasText: /^.*DATA$/ }).first();
    await dataLine.click();
    await page.waitForSelector('.explanation dl', WAIT);
    const explanation = await page.textContent('.explanation');
    assert.ok(explanation?.includes(data.summary), `the explanation quotes DATA's summary: ${explanation}`);
    assert.ok(explanation?.includes('RFC 5321 §4.1.1.4'));
    const selectedArrow = await page.$eval('.diagram .step.selected', (n) => n.querySelector('text.label')?.textContent);
    assert.equal(selectedArrow, 'DATA');
    // …and the other way round: the RCPT arrow selects its transcript line.
    await page.click('.diagram .step.arrow.from-client:has(text.label:text-matches("^RCPT"))');
    assert.match((await page.textContent('.transcript .selected')) ?? '', /RCPT TO:<user2@st\.um>/);
    await screenshot(page, 'console-smtp-diagram');

    // The eavesdropper sees the AUTH PLAIN password of a plaintext session, decoded.
    assert.ok(!((await page.textContent('.transcript')) ?? '').includes('password'), 'the server view hides the secret');
    await page.check('#eavesdropper');
    await page.waitForSelector('mark.decoded', WAIT);
    assert.match((await page.textContent('mark.decoded')) ?? '', /\\0user1@st\.um\\0password/);
    await screenshot(page, 'console-eavesdropper-plaintext');

    // A STARTTLS session with AUTH inside: the eavesdropper sees no password, only TLS records.
    const tlsRun = await run('swaks', ['--server', `${submission.address}:${submission.port}`, '--tls', '--from', 'user1@st.um', '--to', 'user2@st.um', '--auth', 'PLAIN', '--auth-user', 'user1@st.um', '--auth-password', 'password']);
    assert.equal(tlsRun.code, 0, tlsRun.stderr);
    const tlsId = await newestConversation(base, 'submission');
    await page.waitForSelector(`#conv-${tlsId}`, WAIT);
    await page.click(`#conv-${tlsId}`);
    await page.waitForSelector('.diagram .step.tls', WAIT);
    if (!(await page.isChecked('#eavesdropper'))) await page.check('#eavesdropper');
    await page.waitForSelector('.transcript .encrypted', WAIT);
    const sniffed = (await page.textContent('.conversation-body')) ?? '';
    assert.ok(!sniffed.includes('password') && !sniffed.includes('AHVzZXIxQHN0LnVtAHBhc3N3b3Jk'), 'no password crosses a STARTTLS session in the clear');
    assert.ok(sniffed.includes('STARTTLS') && sniffed.includes('TLS application data'));
    assert.equal(await page.locator('mark.decoded').count(), 0);
    await screenshot(page, 'console-eavesdropper-starttls');

    // The IMAP and DNS conversations are explained too.
    await page.click(`#conv-${imapId}`);
    await page.waitForSelector('.diagram .step.arrow', WAIT);
    await page.locator('.transcript .t-client', { hasText: 'UID FETCH' }).first().click();
    assert.match((await page.textContent('.explanation')) ?? '', /RFC 3501/);
    await screenshot(page, 'console-imap');
    await page.click(`#conv-${digConversation.id}`);
    await page.waitForSelector('.diagram .step.arrow.from-server', WAIT);
    await page.locator('.transcript .t-server').first().click();
    assert.match((await page.textContent('.explanation')) ?? '', /NOERROR/);
    await screenshot(page, 'console-dns-conversation');

    // POP3 too: curl logs in with AUTH PLAIN in clear, and the eavesdropper decodes it.
    const pop3 = lab.endpoint('pop3');
    const popped = await run('curl', ['-s', '--max-time', '20', `pop3://${pop3.address}:${pop3.port}/1`, '-u', 'user2@st.um:password']);
    assert.equal(popped.code, 0, popped.stderr);
    const popId = await newestConversation(base, 'pop3');
    await page.waitForSelector(`#conv-${popId}`, WAIT);
    await page.click(`#conv-${popId}`);
    await page.waitForSelector('.diagram .step.arrow', WAIT);
    await page.locator('.transcript .t-client', { hasText: /^.*RETR 1$/ }).first().click();
    assert.match((await page.textContent('.explanation')) ?? '', /RFC 1939/);
    await page.check('#eavesdropper');
    await page.waitForSelector('mark.decoded', WAIT);
    assert.match((await page.textContent('mark.decoded')) ?? '', /user2@st\.um\\0password/);
    await screenshot(page, 'console-pop3-eavesdropper');

    // Mailboxes: the message, its headers explained, its path linked to the SMTP conversation.
    await page.click('nav a[data-section=mailboxes]');
    await page.locator('.users > li', { hasText: 'user2@st.um' }).locator('button.link', { hasText: 'INBOX' }).click();
    await page.locator('tr.clickable', { hasText: 'glass wall' }).first().click();
    await page.waitForSelector('table.headers', WAIT);
    const headers = (await page.textContent('table.headers')) ?? '';
    assert.match(headers, /Return-Path/);
    assert.match(headers, /RFC 5321 §4\.4/);
    assert.equal(await page.locator(`.hops a[href="#/conversations/${smtpId}"]`).count(), 1, 'the Received hop links to the conversation that carried it');
    await screenshot(page, 'console-mailbox');

    // DNS: a real query from the page, shown as dig shows it.
    await page.click('nav a[data-section=dns]');
    await page.fill('#dns-name', 'st.um');
    await page.selectOption('#dns-type', 'MX');
    await page.click('form.dns-query button[type=submit]');
    await page.waitForSelector('.dns-answer', WAIT);
    const answer = (await page.textContent('.dns-answer')) ?? '';
    assert.match(answer, /QUERY NOERROR/);
    assert.match(answer, /mail\.st\.um\./);
    await page.waitForSelector('table.records caption:has-text("Zone st.um")', WAIT);
    await screenshot(page, 'console-dns');

    // Services: the probes of `wirelab test`, on a button.
    await page.click('nav a[data-section=services]');
    await page.click('button:has-text("Probe all")');
    await page.waitForFunction("[...document.querySelectorAll('.probe-result')].every((c) => /ok|FAIL/.test(c.textContent))", undefined, WAIT);
    const results = await page.$$eval('.probe-result', (cells) => cells.map((c) => c.textContent ?? ''));
    assert.ok(results.length > 5 && results.every((r) => r.startsWith('ok')), results.join('\n'));
    await screenshot(page, 'console-services');

    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await browser.close();
    await lab.dispose();
  }
});
