import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { summarize } from '../../src/console/conversation-view.js';
import { conversationSteps } from '../../src/console/steps.js';
import { TapConversation } from '../../src/net/tap.js';
import { EVENT_OVERHEAD_BYTES, TranscriptStore } from '../../src/net/transcripts.js';

function talk(conversations: number, lines: number, lineBytes: number): void {
  for (let c = 0; c < conversations; c += 1) {
    const tap = new TapConversation({
      service: 'smtp',
      kind: 'smtp',
      host: 'st.um',
      transport: 'tcp',
      client: { address: '127.0.0.1', port: 40000 + c },
      server: { address: '127.0.0.1', port: 25 },
    });
    for (let i = 0; i < lines; i += 1) tap.data(i % 2 === 0 ? 'client' : 'server', Buffer.alloc(lineBytes, 0x61));
    tap.note('info', 'many lines');
    tap.close('closed');
  }
}

test('the tap keeps at most maxConversations, each within maxBytesPerConversation, counting what it drops', async () => {
  const store = new TranscriptStore({ maxConversations: 10, maxBytesPerConversation: 4096 });
  try {
    talk(25, 200, 100);
    const kept = store.list();
    assert.equal(kept.length, 10, 'only the newest conversations stay in memory');
    for (const conv of kept) {
      assert.ok(conv.keptBytes <= 4096 + EVENT_OVERHEAD_BYTES, `kept ${conv.keptBytes} bytes`);
      assert.ok(conv.events.length <= Math.ceil(4096 / EVENT_OVERHEAD_BYTES) + 1, `kept ${conv.events.length} events`);
      assert.equal(conv.events.at(-1)?.type, 'close', 'the close is always kept');
      assert.ok(conv.dropped && conv.dropped.events > 0);
      const summary = summarize(conv);
      assert.equal(summary.bytesFromClient + summary.bytesFromServer, 200 * 100, 'the summary still counts every byte');
      const steps = conversationSteps(conv, 'server').steps;
      assert.match(steps.at(-2)?.lines[0]?.text ?? '', /later events \(\d+ bytes\) were counted but not kept/);
    }
  } finally {
    await store.close();
  }
});

test('a client sending a million tiny lines cannot grow a conversation past its budget', async () => {
  const store = new TranscriptStore({ maxConversations: 10, maxBytesPerConversation: 64 * 1024 });
  try {
    talk(1, 100_000, 1);
    const [conv] = store.list();
    assert.ok(conv);
    assert.ok(conv.events.length < (64 * 1024) / EVENT_OVERHEAD_BYTES + 2);
    assert.equal(conv.dropped!.events + conv.events.filter((e) => e.type === 'data').length, 100_000 + 1);
  } finally {
    await store.close();
  }
});

test('transcript files rotate on disk, keeping only the newest maxFiles', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-tap-'));
  const store = new TranscriptStore({ maxConversations: 100, maxBytesPerConversation: 1024 * 1024, directory: dir, rotateBytes: 4000, maxFiles: 3 });
  try {
    talk(20, 20, 50);
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const files = (await readdir(dir)).sort();
    assert.equal(files.length, 3, `kept ${files.join(', ')}`);
    for (const file of files) assert.match(file, /^transcript-.*-\d{6}\.jsonl$/);
    const newest = (await readFile(join(dir, files.at(-1)!), 'utf8')).trim().split('\n');
    assert.deepEqual(JSON.parse(newest.at(-1)!).type, 'close');
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      assert.ok(text.length <= 4000 + 400, `${file} is about rotateBytes`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('on disk, events past the budget are counted, not copied', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-tap-'));
  const store = new TranscriptStore({ maxConversations: 10, maxBytesPerConversation: 4096, directory: dir });
  try {
    talk(1, 200, 100);
    await store.close();
    const lines = (await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8')))).join('').trim().split('\n');
    const events = lines.map((l) => JSON.parse(l) as { type: string; text?: string });
    const data = events.filter((e) => e.type === 'data');
    assert.ok(data.length > 10 && data.length < 40, `${data.length} data events on disk: those that fit the budget`);
    assert.equal(events.at(-1)?.type, 'close');
    const summary = events.at(-2);
    assert.equal(summary?.type, 'note');
    // The data events that did not fit, and talk()'s note.
    assert.match(summary?.text ?? '', new RegExp(`^${200 - data.length + 1} later events \\(${(200 - data.length) * 100} bytes\\) were counted but not kept`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('all conversations together stay within maxBytes: the oldest are forgotten first', async () => {
  const store = new TranscriptStore({ maxConversations: 1000, maxBytesPerConversation: 64 * 1024, maxBytes: 256 * 1024 });
  try {
    talk(40, 100, 1000);
    const kept = store.list();
    const total = kept.reduce((sum, c) => sum + c.keptBytes, 0);
    assert.ok(total <= 256 * 1024, `${total} bytes kept`);
    assert.ok(kept.length >= 3 && kept.length < 40, `${kept.length} conversations kept`);
    assert.equal(kept.at(-1)?.events.at(-1)?.type, 'close', 'the newest is whole');
  } finally {
    await store.close();
  }
});

test('a conversation forgotten while still open writes no more bytes to disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-tap-'));
  const store = new TranscriptStore({ maxConversations: 10, maxBytesPerConversation: 64 * 1024, directory: dir });
  try {
    const long = new TapConversation({ service: 'imap', kind: 'imap', host: 'st.um', transport: 'tcp', client: { address: '127.0.0.1', port: 39999 }, server: { address: '127.0.0.1', port: 143 } });
    talk(12, 2, 10);
    assert.equal(store.get(long.id), undefined, 'forgotten: 12 newer conversations');
    for (let i = 0; i < 50; i += 1) long.data('server', Buffer.alloc(1000, 0x62));
    long.close('closed');
    await store.close();
    const lines = (await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8')))).join('').trim().split('\n');
    const ofLong = lines.map((l) => JSON.parse(l) as { conn: string; type: string }).filter((e) => e.conn === long.id);
    assert.deepEqual(ofLong.map((e) => e.type), ['open', 'close']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
