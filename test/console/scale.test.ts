import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConversationPage } from '../../src/console/api-types.js';
import { TapConversation } from '../../src/net/tap.js';
import { startTestLab } from '../helpers/lab.js';
import { collectErrors, hasChromium, launchChromium, screenshot } from './browser.js';

const CONVERSATIONS = 10_000;
const WAIT = { timeout: 20_000 };

function converse(i: number): string {
  const tap = new TapConversation({
    service: i % 3 === 1 ? 'submission' : 'smtp',
    kind: i % 3 === 1 ? 'submission' : 'smtp',
    host: 'st.um',
    transport: 'tcp',
    client: { address: '127.0.0.1', port: 20000 + (i % 40000) },
    server: { address: '127.0.0.1', port: 25 },
  });
  tap.data('server', Buffer.from('220 st.um ESMTP wirelab\r\n'));
  tap.data('client', Buffer.from(`NOOP ${i}\r\n`));
  tap.close('closed');
  return tap.id;
}

test('10,000 conversations: the API pages them and the console list stays virtualised and live', async (t) => {
  const lab = await startTestLab({
    edit: (config) => {
      config.services = { console: { host: 'st.um' } };
      config.tap = { maxConversations: 20_000 };
    },
  });
  try {
    const ids = Array.from({ length: CONVERSATIONS }, (_, i) => converse(i));
    const c = lab.endpoint('console');
    const base = `http://${c.address}:${c.port}`;

    const last = (await (await fetch(`${base}/api/conversations?limit=1000&offset=9500`)).json()) as ConversationPage;
    assert.equal(last.total, CONVERSATIONS);
    assert.equal(last.items.length, 500);
    assert.equal(last.items.at(-1)?.id, ids[0], 'the oldest conversation is on the last page');
    const submissions = (await (await fetch(`${base}/api/conversations?service=submission&limit=1`)).json()) as ConversationPage;
    assert.equal(submissions.total, 3333);

    if (!hasChromium()) return t.skip('chromium not installed (apt-get install chromium)');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const errors = collectErrors(page);
      await page.goto(base);
      await page.waitForSelector(`#conv-${ids.at(-1)}`, WAIT);
      assert.equal(await page.textContent('#conversations-heading'), `Conversations (${CONVERSATIONS})`);
      const rendered = await page.locator('.row[data-id]').count();
      assert.ok(rendered > 5 && rendered < 60, `only the rows in view are in the DOM (${rendered})`);

      // Scroll to the end: pages are fetched as the list nears them, and the DOM stays small.
      const oldest = `#conv-${ids[0]}`;
      for (let i = 0; i < 200 && (await page.locator(oldest).count()) === 0; i += 1) {
        await page.$eval('.viewport', (el) => el.scrollTo(0, el.scrollHeight));
        await page.waitForTimeout(50);
      }
      assert.equal(await page.locator(oldest).count(), 1, 'the oldest conversation is reachable by scrolling');
      assert.ok((await page.locator('.row[data-id]').count()) < 60);
      await screenshot(page, 'console-10000-conversations');
      await page.click(oldest);
      await page.waitForSelector('.diagram .step.arrow', WAIT);
      assert.match((await page.textContent('.transcript')) ?? '', /NOOP 0/);

      // Still live: a new conversation shows at the top without a reload.
      const fresh = converse(CONVERSATIONS);
      await page.$eval('.viewport', (el) => el.scrollTo(0, 0));
      await page.waitForSelector(`#conv-${fresh}`, WAIT);
      assert.equal(await page.textContent('#conversations-heading'), `Conversations (${CONVERSATIONS + 1})`);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  } finally {
    await lab.dispose();
  }
});
