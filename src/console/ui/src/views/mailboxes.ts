import type { MessageDetail } from '../../../api-types';
import { api } from '../api';
import { formatBytes, h } from '../dom';

const PAGE = 50;

function messageView(m: MessageDetail): HTMLElement {
  return h(
    'article',
    { class: 'message', 'aria-labelledby': 'message-subject' },
    h('h3', { id: 'message-subject' }, m.subject || '(no subject)'),
    h('p', { class: 'muted' }, `UID ${m.uid} in ${m.folder} of ${m.address} · ${formatBytes(m.size)} · arrived ${new Date(m.internalDate).toLocaleString()} · `, h('a', { href: api.rawUrl(m.address, m.folder, m.uid), download: `${m.uid}.eml` }, 'download .eml')),
    h('h4', {}, 'The path it took (Received fields, newest first)'),
    m.path.length === 0
      ? h('p', { class: 'muted' }, 'No Received field: the message was not carried by SMTP (appended by a client).')
      : h(
          'ol',
          { class: 'hops' },
          ...m.path.map((hop) =>
            h(
              'li',
              {},
              `from ${hop.from} by ${hop.by}${hop.with ? ` with ${hop.with}` : ''}${hop.id ? ` id ${hop.id}` : ''}${hop.date ? ` — ${hop.date}` : ''} `,
              ...hop.conversations.map((id) => h('a', { href: `#/conversations/${id}`, class: 'badge' }, `conversation ${id}`)),
            ),
          ),
        ),
    h('h4', {}, 'Headers explained'),
    h(
      'table',
      { class: 'headers' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'What it means'))),
      h(
        'tbody',
        {},
        ...m.headers.map((f) =>
          h('tr', {}, h('th', { scope: 'row' }, f.name), h('td', { class: 'value' }, f.decoded), h('td', {}, f.explanation ? `${f.explanation.meaning} ` : '', f.explanation ? h('cite', {}, f.explanation.rfc) : '')),
        ),
      ),
    ),
    h('details', {}, h('summary', {}, 'Raw source'), h('pre', { class: 'source' }, m.source)),
  );
}

/** Mailboxes: per user, the folders and messages; a message with its headers explained and the path it took. */
export async function mailboxesView(): Promise<HTMLElement> {
  const mailboxes = await api.mailboxes();
  const list = h('div', { class: 'message-list' });
  const detail = h('div', { class: 'message-detail' }, h('p', { class: 'muted' }, 'Choose a user, then a message.'));
  const showFolder = async (address: string, folder: string, offset = 0): Promise<void> => {
    list.replaceChildren(h('p', { class: 'muted' }, 'loading…'));
    try {
      const page = await api.messages(address, folder, offset, PAGE);
      const rows = page.items.map((m) =>
        h(
          'tr',
          { tabindex: 0, class: 'clickable', 'data-uid': m.uid, onclick: () => void showMessage(address, folder, m.uid), onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && void showMessage(address, folder, m.uid) },
          h('td', {}, m.from),
          h('td', {}, m.to),
          h('td', {}, m.subject || '(no subject)'),
          h('td', {}, m.date),
          h('td', { class: 'num' }, formatBytes(m.size)),
          h('td', {}, m.flags.join(' ') || '—'),
        ),
      );
      const pager = h(
        'p',
        { class: 'pager' },
        `${page.total} messages in ${folder} of ${address}`,
        offset > 0 ? h('button', { type: 'button', onclick: () => void showFolder(address, folder, Math.max(0, offset - PAGE)) }, 'newer') : '',
        offset + PAGE < page.total ? h('button', { type: 'button', onclick: () => void showFolder(address, folder, offset + PAGE) }, 'older') : '',
      );
      list.replaceChildren(
        pager,
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...['From', 'To', 'Subject', 'Date', 'Size', 'Flags'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, ...rows),
        ),
      );
    } catch (err) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, (err as Error).message));
    }
  };
  const showMessage = async (address: string, folder: string, uid: number): Promise<void> => {
    try {
      detail.replaceChildren(messageView(await api.message(address, folder, uid)));
    } catch (err) {
      detail.replaceChildren(h('p', { class: 'error', role: 'alert' }, (err as Error).message));
    }
  };
  const users = mailboxes.map((m) =>
    h(
      'li',
      {},
      h('b', {}, m.address),
      h('ul', {}, ...m.folders.map((f) => h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => void showFolder(m.address, f.name) }, `${f.name} (${f.messages}${f.unseen ? `, ${f.unseen} unseen` : ''})`)))),
    ),
  );
  return h(
    'section',
    { class: 'page mailboxes', 'aria-labelledby': 'mailboxes-heading' },
    h('h2', { id: 'mailboxes-heading' }, 'Mailboxes'),
    h('div', { class: 'columns mail-columns' }, h('nav', { 'aria-label': 'Users and folders' }, h('ul', { class: 'users' }, ...users)), h('div', {}, list, detail)),
  );
}
