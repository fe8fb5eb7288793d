import type { Conversation } from '../../net/transcripts.js';
import { captureFile } from '../../net/pcap-export.js';
import type { OpenEvent } from '../../net/tap.js';
import { findDefinition } from '../../lab/services.js';
import type { ConversationPage } from '../api-types.js';
import { conversationEvents, summarize } from '../conversation-view.js';
import { streamEvents } from '../events-stream.js';
import { choiceParam, get, HttpProblem, intParam, sendBytes, sendJson, sinceParam, wantsFlag, type RouteFactory } from '../http-json.js';
import { conversationSteps } from '../steps.js';

const ID = '([A-Za-z0-9-]+)';

/** The protocol's standard port (25, 110, 143, 53): Wireshark picks its dissector by port. */
function standardPort(open: OpenEvent): number | undefined {
  return findDefinition(open.kind)?.standardPort;
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

/** Conversations: the list (newest first, paged), one transcript, its diagram steps, pcapng export, the live stream. */
export const conversationRoutes: RouteFactory = (ctx) => {
  const store = ctx.observe.transcripts;
  const find = (id: string): Conversation => {
    const conv = store.get(id);
    if (!conv) throw new HttpProblem(404, `no conversation ${id} (it may have rotated out of memory)`);
    return conv;
  };
  const select = (url: URL): Conversation[] => {
    const service = url.searchParams.get('service');
    const user = url.searchParams.get('user')?.toLowerCase();
    const since = sinceParam(url, Date.now());
    return store
      .list()
      .filter(
        (c) =>
          (!service || c.open.service === service || c.open.kind === service) &&
          (!user || c.user?.toLowerCase() === user || c.user?.toLowerCase().startsWith(`${user}@`)) &&
          (since === undefined || c.open.at >= since),
      );
  };
  const capture = (conversations: Conversation[], url: URL): Buffer =>
    captureFile(conversations, wantsFlag(url, 'standardPorts') ? { serverPort: standardPort } : {});

  return [
    get(/^\/api\/conversations$/, (_req, res, url) => {
      const limit = intParam(url, 'limit', 100, 1, 1000);
      const offset = intParam(url, 'offset', 0, 0, 10_000_000);
      const all = select(url).reverse();
      const page: ConversationPage = { total: all.length, offset, items: all.slice(offset, offset + limit).map(summarize) };
      sendJson(res, 200, page);
    }),
    get(new RegExp(`^/api/conversations/${ID}$`), (_req, res, url, [id]) => {
      const conv = find(id!);
      sendJson(res, 200, { ...summarize(conv), events: conversationEvents(conv, wantsFlag(url, 'showSecrets')) });
    }),
    get(new RegExp(`^/api/conversations/${ID}/steps$`), (_req, res, url, [id]) => {
      sendJson(res, 200, conversationSteps(find(id!), choiceParam(url, 'view', ['server', 'eavesdropper'] as const, 'server')));
    }),
    get(new RegExp(`^/api/conversations/${ID}/capture\\.pcapng$`), (_req, res, url, [id]) => {
      sendBytes(res, 'application/vnd.tcpdump.pcap', capture([find(id!)], url), `${id}.pcapng`);
    }),
    get(/^\/api\/capture\.pcapng$/, (_req, res, url) => {
      sendBytes(res, 'application/vnd.tcpdump.pcap', capture(select(url), url), 'wirelab.pcapng');
    }),
    get(/^\/api\/events$/, (_req, res, url) =>
      streamEvents(res, store, {
        showSecrets: wantsFlag(url, 'showSecrets'),
        ...optional('service', url.searchParams.get('service')),
        ...optional('host', url.searchParams.get('host')),
        ...optional('user', url.searchParams.get('user')),
      }),
    ),
  ];
};
