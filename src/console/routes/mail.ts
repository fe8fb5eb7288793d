import { openMailbox, MailStoreError, type FolderView, type Mailbox } from '../../mail/store/index.js';
import type { MailboxInfo, MessagePage } from '../api-types.js';
import { get, HttpProblem, intParam, sendBytes, sendJson, type RouteFactory } from '../http-json.js';
import { messageDetail, messageSummary } from '../mail/message-view.js';

const ADDRESS = '([^/]+)';

/**
 * Mailboxes: each user's folders and messages (newest first), one message with its headers explained and
 * the path it took, its raw source, and "the last message to user2" for integration tests. Folders are
 * opened read-only (EXAMINE): looking never sets \Seen nor claims \Recent.
 */
export const mailRoutes: RouteFactory = (ctx) => {
  const userOf = (raw: string): string => {
    let login: string;
    try {
      login = decodeURIComponent(raw);
    } catch {
      throw new HttpProblem(400, `${raw}: not a valid percent-encoded address`);
    }
    const user = ctx.directory.find(login, ctx.config.domains[0]?.name);
    if (!user) throw new HttpProblem(404, `no user ${login} in the lab's directory`);
    return user.address;
  };
  const mailboxOf = (address: string): Promise<Mailbox> => openMailbox(ctx.dataDir.maildirOf(address));
  const withFolder = async <T>(address: string, folder: string, use: (view: FolderView) => Promise<T>): Promise<T> => {
    let view: FolderView;
    try {
      view = await (await mailboxOf(address)).open(folder, { readOnly: true });
    } catch (err) {
      if (err instanceof MailStoreError && err.code === 'NONEXISTENT') throw new HttpProblem(404, `${address} has no folder ${folder}`);
      throw err;
    }
    try {
      return await use(view);
    } finally {
      view.close();
    }
  };
  const folderParam = (url: URL): string => url.searchParams.get('folder') || 'INBOX';
  const uidParam = (raw: string): number => {
    if (!/^\d{1,10}$/.test(raw) || Number(raw) === 0) throw new HttpProblem(400, `uid ${raw}: expected a message UID (a positive whole number)`);
    return Number(raw);
  };
  const readMessage = async (view: FolderView, uid: number): Promise<{ info: NonNullable<ReturnType<FolderView['message']>>; bytes: Buffer }> => {
    const seq = view.sequenceOf(uid);
    const info = seq === undefined ? undefined : view.message(seq);
    if (!info) throw new HttpProblem(404, `no message with UID ${uid} in ${view.name}`);
    return { info, bytes: await view.read(uid) };
  };

  return [
    get(/^\/api\/mailboxes$/, async (_req, res) => {
      const listing: MailboxInfo[] = [];
      for (const user of ctx.directory.list()) {
        const mailbox = await mailboxOf(user.address);
        const folders = [];
        for (const folder of (await mailbox.list()).filter((f) => f.selectable)) {
          const status = await mailbox.status(folder.name);
          folders.push({ name: folder.name, messages: status.messages, unseen: status.unseen });
        }
        listing.push({ address: user.address, folders });
      }
      sendJson(res, 200, listing);
    }),
    get(new RegExp(`^/api/mailboxes/${ADDRESS}/messages$`), async (_req, res, url, [raw]) => {
      const address = userOf(raw!);
      const folder = folderParam(url);
      const limit = intParam(url, 'limit', 50, 1, 500);
      const offset = intParam(url, 'offset', 0, 0, 10_000_000);
      const page = await withFolder(address, folder, async (view): Promise<MessagePage> => {
        const newestFirst = [...view.messages()].reverse();
        const items = [];
        for (const info of newestFirst.slice(offset, offset + limit)) items.push(messageSummary(folder, info, await view.read(info.uid)));
        return { address, folder, total: newestFirst.length, offset, items };
      });
      sendJson(res, 200, page);
    }),
    get(new RegExp(`^/api/mailboxes/${ADDRESS}/messages/([^/]+)$`), async (_req, res, url, [raw, uid]) => {
      const address = userOf(raw!);
      const folder = folderParam(url);
      const detail = await withFolder(address, folder, async (view) => {
        const { info, bytes } = await readMessage(view, uidParam(uid!));
        return messageDetail(address, folder, info, bytes, ctx.observe.transcripts);
      });
      sendJson(res, 200, detail);
    }),
    get(new RegExp(`^/api/mailboxes/${ADDRESS}/messages/([^/]+)/raw$`), async (_req, res, url, [raw, uid]) => {
      const address = userOf(raw!);
      const bytes = await withFolder(address, folderParam(url), async (view) => (await readMessage(view, uidParam(uid!))).bytes);
      sendBytes(res, 'message/rfc822', bytes, `${uid}.eml`);
    }),
    get(/^\/api\/messages\/latest$/, async (_req, res, url) => {
      const to = url.searchParams.get('to');
      if (!to) throw new HttpProblem(400, 'to: give the recipient, e.g. /api/messages/latest?to=user2@st.um');
      const address = userOf(to);
      const detail = await withFolder(address, 'INBOX', async (view) => {
        const newest = view.messages().at(-1);
        if (!newest) throw new HttpProblem(404, `${address} has no message in INBOX`);
        return messageDetail(address, 'INBOX', newest, await view.read(newest.uid), ctx.observe.transcripts);
      });
      sendJson(res, 200, detail);
    }),
  ];
};
