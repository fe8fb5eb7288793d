import './styles.css';
import { h } from './dom';
import { ConversationFeed } from './live';
import { ConversationList } from './views/conversation-list';
import { ConversationView } from './views/conversation-view';
import { dnsView } from './views/dns';
import { mailboxesView } from './views/mailboxes';
import { servicesView } from './views/services';

/**
 * The console's shell: a hash router over four sections. The conversation list lives for the whole
 * session (fed live by the tap); the other sections are built when opened.
 */
const main = document.getElementById('main') as HTMLElement;
const liveStatus = document.getElementById('live-status') as HTMLElement;
const feed = new ConversationFeed((text) => {
  liveStatus.textContent = text;
});
const list = new ConversationList(feed, (id) => {
  location.hash = `#/conversations/${id}`;
});
let current: ConversationView | undefined;
const detailSlot = h('div', { class: 'detail-slot' });
const conversationsPage = h('div', { class: 'conversations-page' }, list.element, detailSlot);

function showConversation(id: string | undefined): void {
  current?.dispose();
  current = undefined;
  list.select(id);
  if (!id) {
    detailSlot.replaceChildren(
      h('div', { class: 'welcome' }, h('h2', {}, 'Every conversation, live'), h('p', {}, 'Send a mail (swaks), read it (curl imap://), ask the DNS (dig): each conversation appears on the left as it happens. Choose one to see its transcript beside its sequence diagram, every line explained.')),
    );
    return;
  }
  current = new ConversationView(id, feed);
  detailSlot.replaceChildren(current.element);
}

async function route(): Promise<void> {
  const [, section = 'conversations', id] = location.hash.split('/');
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-section]')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (section === 'conversations') {
    if (main.firstElementChild !== conversationsPage) main.replaceChildren(conversationsPage);
    showConversation(id ? decodeURIComponent(id) : undefined);
    return;
  }
  current?.dispose();
  current = undefined;
  main.replaceChildren(h('p', { class: 'muted' }, 'loading…'));
  const builders: Record<string, () => Promise<HTMLElement>> = { mailboxes: mailboxesView, dns: dnsView, services: servicesView };
  const build = builders[section];
  try {
    main.replaceChildren(build ? await build() : h('p', { class: 'error' }, `no section ${section}`));
  } catch (err) {
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, (err as Error).message));
  }
}

window.addEventListener('hashchange', () => void route());
feed.start();
void route();
