import type { ApiTapEvent, ConversationSummary } from './api-types.js';
import type { Conversation } from '../net/transcripts.js';
import { toWire } from '../net/transcripts.js';

export type { ConversationSummary } from './api-types.js';

/** A conversation as the API lists it: who talked to whom, when, how much, whether TLS, how it ended. */
export function summarize(conv: Conversation): ConversationSummary {
  let fromClient = 0;
  let fromServer = 0;
  let tls = false;
  let endedAt: number | undefined;
  let result: string | undefined;
  for (const event of conv.events) {
    if (event.type === 'data') {
      const size = event.bytes.length + (event.omitted ?? 0);
      if (event.from === 'client') fromClient += size;
      else fromServer += size;
    } else if (event.type === 'tls') tls = true;
    else if (event.type === 'close') {
      endedAt = event.at;
      result ??= event.reason;
    } else if (event.type === 'note' && event.topic === 'error') result = event.text;
  }
  fromClient += conv.dropped?.client ?? 0;
  fromServer += conv.dropped?.server ?? 0;
  const { open } = conv;
  return {
    id: open.conn,
    service: open.service,
    kind: open.kind,
    host: open.host,
    transport: open.transport,
    client: `${open.client.address}:${open.client.port}`,
    server: `${open.server.address}:${open.server.port}`,
    ...(conv.user ? { user: conv.user } : {}),
    startedAt: open.at,
    ...(endedAt ? { endedAt } : {}),
    bytesFromClient: fromClient,
    bytesFromServer: fromServer,
    tls,
    closed: conv.closed,
    ...(result ? { result } : {}),
  };
}

export function conversationEvents(conv: Conversation, showSecrets: boolean): ApiTapEvent[] {
  return conv.events.map((e) => toWire(e, showSecrets));
}
