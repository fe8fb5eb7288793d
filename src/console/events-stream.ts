import type { ServerResponse } from 'node:http';
import type { TapEvent } from '../net/tap.js';
import { toWire, type TranscriptStore } from '../net/transcripts.js';

export interface StreamFilter {
  service?: string;
  host?: string;
  user?: string;
  showSecrets: boolean;
}

/**
 * Streams tap events as Server-Sent Events. With a user filter, a conversation is shown from its
 * first line once its user is known, so the login that identified it is not missed.
 */
export function streamEvents(res: ServerResponse, store: TranscriptStore, filter: StreamFilter): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write(': wirelab tap\n\n');
  const announced = new Set<string>();
  const send = (event: TapEvent): void => {
    res.write(`data: ${JSON.stringify(toWire(event, filter.showSecrets))}\n\n`);
  };
  const stop = store.listen((event) => {
    const conv = store.get(event.conn);
    if (!conv) return;
    const { open } = conv;
    if (filter.service && open.service !== filter.service && open.kind !== filter.service) return;
    if (filter.host && open.host !== filter.host) return;
    if (filter.user) {
      if (conv.user?.toLowerCase() !== filter.user.toLowerCase() && !conv.user?.toLowerCase().startsWith(`${filter.user.toLowerCase()}@`)) return;
      if (!announced.has(event.conn)) {
        announced.add(event.conn);
        conv.events.forEach(send);
        return;
      }
    }
    send(event);
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  res.on('close', () => {
    clearInterval(keepAlive);
    stop();
  });
}
