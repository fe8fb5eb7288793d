import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceDurably } from '../../lab/durable.js';
import type { QueueAnswer, QueueRequest } from './queue-admin.js';

const REQUEST = '.request';
const ANSWER = '.answer';
/** Answers nobody collected (the CLI gave up waiting) are removed after this long. */
const STALE_ANSWER_MS = 3600_000;

/**
 * How `wirelab queue` reaches a running delivery agent, the way postqueue reaches Postfix's qmgr
 * through a trigger in its queue directory: a request file in `queue/control/<host>/`, inside the
 * data directory — so only whoever may read the lab's mail may manage its queue. The agent, the only
 * writer of its messages' records, carries it out and leaves an answer file beside it.
 */
export class QueueControl {
  constructor(private readonly queueRoot: string) {}

  dirOf(host: string): string {
    return join(this.queueRoot, 'control', host.toLowerCase().replace(/[^a-z0-9.-]/g, '_'));
  }

  async submit(host: string, request: QueueRequest): Promise<string> {
    const dir = this.dirOf(host);
    await mkdir(dir, { recursive: true });
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    await replaceDurably(join(dir, `${id}${REQUEST}`), JSON.stringify(request));
    return id;
  }

  /** The agent's answer, waiting at most `timeoutMs` (polled: the CLI is a short-lived process). */
  async answerOf(host: string, requestId: string, timeoutMs: number): Promise<QueueAnswer | undefined> {
    const path = join(this.dirOf(host), `${requestId}${ANSWER}`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text !== undefined) {
        await unlink(path).catch(() => undefined);
        return JSON.parse(text) as QueueAnswer;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }

  /** Requests waiting for the agent of `host`, oldest first; stale answers are swept on the way. */
  async pending(host: string): Promise<{ requestId: string; request: QueueRequest }[]> {
    const dir = this.dirOf(host);
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).sort();
    const out: { requestId: string; request: QueueRequest }[] = [];
    for (const name of names) {
      const path = join(dir, name);
      if (name.endsWith(ANSWER)) {
        const info = await stat(path).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > STALE_ANSWER_MS) await unlink(path).catch(() => undefined);
      } else if (name.endsWith(REQUEST) && !name.startsWith('.')) {
        const text = await readFile(path, 'utf8').catch(() => undefined);
        const request = text === undefined ? undefined : parseRequest(text);
        if (request) out.push({ requestId: name.slice(0, -REQUEST.length), request });
        else await unlink(path).catch(() => undefined);
      }
    }
    return out;
  }

  async answer(host: string, requestId: string, answer: QueueAnswer): Promise<void> {
    const dir = this.dirOf(host);
    await writeFile(join(dir, `${requestId}${ANSWER}`), JSON.stringify(answer));
    await unlink(join(dir, `${requestId}${REQUEST}`)).catch(() => undefined);
  }

  /** Calls `onChange` when a request may have arrived (inotify on Linux; the agent also looks on its own timer). */
  watch(host: string, onChange: () => void): FSWatcher | undefined {
    try {
      const watcher = watch(this.dirOf(host), { persistent: false }, () => onChange());
      watcher.on('error', () => watcher.close());
      return watcher;
    } catch {
      return undefined;
    }
  }
}

function parseRequest(text: string): QueueRequest | undefined {
  try {
    const value = JSON.parse(text) as { action?: unknown; id?: unknown };
    if (value.action === 'flush') return { action: 'flush' };
    if ((value.action === 'retry' || value.action === 'delete' || value.action === 'bounce') && typeof value.id === 'string') {
      return { action: value.action, id: value.id };
    }
  } catch {
    // A half-written or foreign file: not a request.
  }
  return undefined;
}
