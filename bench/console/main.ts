import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { validateConfig, type LabConfigInput } from '../../src/lab/config.js';
import { DEMO_CONFIG_YAML } from '../../src/lab/demo-config.js';
import { startLab } from '../../src/lab/lab.js';
import { TapConversation } from '../../src/net/tap.js';
import { benchOptions } from '../lib/options.js';
import { formatMegabytes, formatMs } from '../lib/report.js';
import { percentile } from '../lib/stats.js';

/**
 * The console with many conversations recorded: memory the tap holds per conversation, API latency for
 * pages and diagrams, pcapng export, and (with Debian's chromium) the web app's time to first row and
 * to scroll through every page. No peer does this (Mailpit is not in Debian), so no ratio is printed.
 *
 *   npm run build && node dist/bench/console/main.js [--conversations 10000] [--requests 200]
 */
const USAGE = `Usage: node dist/bench/console/main.js [--conversations 10000] [--requests 200]

Records --conversations short SMTP conversations on the tap, then times --requests API requests for
pages and diagrams, the pcapng export and (with chromium) the console's first row and scrolling.`;

const options = benchOptions(USAGE, { conversations: { default: 10_000, min: 1, max: 1_000_000 }, requests: { default: 200, min: 1, max: 100_000 } });
const COUNT = options.conversations;
const REQUESTS = options.requests;

/** A conversation shaped like a short SMTP session: greeting, EHLO, MAIL, RCPT, DATA, a small message, QUIT. */
function converse(i: number): string {
  const tap = new TapConversation({ service: 'smtp', kind: 'smtp', host: 'st.um', transport: 'tcp', client: { address: '127.0.0.1', port: 1024 + (i % 60000) }, server: { address: '127.0.0.1', port: 25 } });
  const lines: ['client' | 'server', string][] = [
    ['server', '220 st.um ESMTP wirelab\r\n'],
    ['client', 'EHLO client.example\r\n'],
    ['server', '250-st.um Hello client.example [127.0.0.1]\r\n250-PIPELINING\r\n250-SIZE 36700160\r\n250 SMTPUTF8\r\n'],
    ['client', `MAIL FROM:<sender${i}@um.es>\r\n`],
    ['server', '250 2.1.0 Ok\r\n'],
    ['client', 'RCPT TO:<user2@st.um>\r\n'],
    ['server', '250 2.1.5 Ok\r\n'],
    ['client', 'DATA\r\n'],
    ['server', '354 End data with <CR><LF>.<CR><LF>\r\n'],
    ['client', `Subject: message ${i}\r\n\r\n${'lorem ipsum '.repeat(40)}\r\n.\r\n`],
    ['server', `250 2.0.0 Ok: queued as Q${i}\r\n`],
    ['client', 'QUIT\r\n'],
    ['server', '221 2.0.0 Bye\r\n'],
  ];
  for (const [from, text] of lines) tap.data(from, Buffer.from(text));
  tap.close('closed');
  return tap.id;
}

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return performance.now() - started;
}

const raw = parseYaml(DEMO_CONFIG_YAML) as LabConfigInput;
raw.services = { console: { host: 'st.um' } };
raw.tap = { maxConversations: COUNT };
const dataDir = await mkdtemp(join(tmpdir(), 'wirelab-bench-console-'));
const lab = await startLab({ config: validateConfig(raw, 'bench'), dataDir, ephemeralPorts: true, logLevel: 'silent' });
try {
  const c = lab.endpoint('console');
  const base = `http://${c.address}:${c.port}`;
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const fillStarted = performance.now();
  const ids = Array.from({ length: COUNT }, (_, i) => converse(i));
  const fillMs = performance.now() - fillStarted;
  // Let the transcript files catch up, so lines waiting for the disk are not counted as the tap's memory.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;

  const pages: number[] = [];
  const steps: number[] = [];
  for (let i = 0; i < REQUESTS; i += 1) {
    pages.push(await timed(`${base}/api/conversations?limit=100&offset=${Math.floor(Math.random() * COUNT)}`));
    steps.push(await timed(`${base}/api/conversations/${ids[Math.floor(Math.random() * COUNT)]}/steps`));
  }
  const captureStarted = performance.now();
  const capture = await fetch(`${base}/api/capture.pcapng`);
  const captureBytes = (await capture.arrayBuffer()).byteLength;
  const captureMs = performance.now() - captureStarted;

  console.log(`wirelab console with ${COUNT.toLocaleString('en-US')} conversations of 13 lines each (${REQUESTS} requests per figure)`);
  console.log(`  tap: recorded in ${formatMs(fillMs)}; heap ${formatMegabytes(heapAfter - heapBefore)} in all, ${formatMegabytes(((heapAfter - heapBefore) / COUNT) * 1000)} per 1,000 conversations${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`);
  console.log(`  GET /api/conversations?limit=100 (random offset): p50 ${formatMs(percentile(pages, 50))}, p99 ${formatMs(percentile(pages, 99))}`);
  console.log(`  GET /api/conversations/ID/steps (explained diagram): p50 ${formatMs(percentile(steps, 50))}, p99 ${formatMs(percentile(steps, 99))}`);
  console.log(`  GET /api/capture.pcapng (all): ${formatMs(captureMs)}, ${formatMegabytes(captureBytes)}`);

  const browser = await chromium
    .launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
    .catch(() => undefined);
  if (!browser) {
    console.log('  browser: skipped (no /usr/bin/chromium)');
  } else {
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const opened = performance.now();
      await page.goto(base);
      await page.waitForSelector(`#conv-${ids.at(-1)}`);
      const firstRowMs = performance.now() - opened;
      const scrollStarted = performance.now();
      for (let i = 0; i < 2000 && (await page.locator(`#conv-${ids[0]}`).count()) === 0; i += 1) {
        await page.$eval('.viewport', (el) => el.scrollTo(0, el.scrollHeight));
        await page.waitForTimeout(20);
      }
      const scrollMs = performance.now() - scrollStarted;
      const rows = await page.locator('.row[data-id]').count();
      const heap = await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : 0');
      console.log(`  browser: first row ${formatMs(firstRowMs)} after opening; scrolled to the oldest conversation (every page fetched) in ${formatMs(scrollMs)}; ${rows} rows in the DOM; page heap ${formatMegabytes(Number(heap))}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await lab.stop();
  await rm(dataDir, { recursive: true, force: true });
}
