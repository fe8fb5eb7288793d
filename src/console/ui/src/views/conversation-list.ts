import type { ConversationSummary } from '../../../api-types';
import { clock, duration, formatBytes, h } from '../dom';
import type { ConversationFeed } from '../live';

const ROW_HEIGHT = 48;
/** Rows drawn above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 6;

/**
 * The live list of conversations, virtualised: only the rows in view are in the DOM, so ten thousand
 * conversations scroll as smoothly as ten. Scrolling near the end fetches the next page from the API.
 */
export class ConversationList {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly filterInput: HTMLSelectElement;
  private selected: string | undefined;
  private filter = '';
  private visible: ConversationSummary[] = [];
  private readonly stopListening: () => void;

  constructor(
    private readonly feed: ConversationFeed,
    private readonly open: (id: string) => void,
  ) {
    this.heading = h('h2', { id: 'conversations-heading' }, 'Conversations');
    this.filterInput = h(
      'select',
      { id: 'service-filter', onchange: () => this.setFilter(this.filterInput.value) },
      h('option', { value: '' }, 'every service'),
    );
    this.spacer = h('div', { class: 'spacer', role: 'presentation' });
    this.viewport = h('div', {
      class: 'viewport',
      role: 'listbox',
      'aria-labelledby': 'conversations-heading',
      tabindex: 0,
      onscroll: () => this.render(),
      onkeydown: (e: Event) => this.keyboard(e as KeyboardEvent),
    }, this.spacer);
    this.element = h(
      'section',
      { class: 'conversation-list', 'aria-label': 'Conversation list' },
      h('div', { class: 'list-head' }, this.heading, h('label', { for: 'service-filter', class: 'visually-hidden' }, 'Show conversations of'), this.filterInput),
      h('div', { class: 'row header', 'aria-hidden': 'true' }, h('span', {}, 'service · client → server'), h('span', {}, 'user · start · duration · bytes · result')),
      this.viewport,
    );
    this.stopListening = feed.onChange(() => this.refresh());
    new ResizeObserver(() => this.render()).observe(this.viewport);
    this.refresh();
  }

  dispose(): void {
    this.stopListening();
  }

  select(id: string | undefined): void {
    this.selected = id;
    this.render();
  }

  private setFilter(service: string): void {
    this.filter = service;
    this.viewport.scrollTop = 0;
    this.refresh();
  }

  private refresh(): void {
    const services = new Set(this.feed.rows.map((r) => r.service));
    const known = new Set([...this.filterInput.options].map((o) => o.value));
    for (const service of [...services].sort()) if (!known.has(service)) this.filterInput.append(h('option', { value: service }, service));
    this.visible = this.filter ? this.feed.rows.filter((r) => r.service === this.filter) : this.feed.rows;
    const total = this.filter ? this.visible.length : this.feed.count;
    this.heading.textContent = `Conversations (${total})`;
    this.spacer.style.height = `${(this.filter ? this.visible.length : this.feed.count) * ROW_HEIGHT}px`;
    this.render();
  }

  private render(): void {
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.visible.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const rows = this.visible.slice(first, last).map((summary, i) => this.row(summary, first + i));
    this.spacer.replaceChildren(...rows);
    if (!this.filter && last + OVERSCAN * 4 >= this.visible.length && !this.feed.complete) void this.feed.loadMore();
  }

  private row(c: ConversationSummary, index: number): HTMLElement {
    const bytes = formatBytes(c.bytesFromClient + c.bytesFromServer);
    const length = c.endedAt ? duration(c.endedAt - c.startedAt) : 'open';
    const state = c.result ?? (c.closed ? 'closed' : 'open');
    const label = `${c.service} ${c.client} to ${c.server}${c.user ? `, user ${c.user}` : ''}, started ${clock(c.startedAt)}, ${length}, ${bytes}${c.tls ? ', TLS' : ''}, ${state}`;
    return h(
      'div',
      {
        class: `row${c.id === this.selected ? ' selected' : ''}`,
        role: 'option',
        id: `conv-${c.id}`,
        'data-id': c.id,
        'data-service': c.service,
        'aria-selected': c.id === this.selected ? 'true' : 'false',
        'aria-label': label,
        style: `top:${index * ROW_HEIGHT}px`,
        onclick: () => this.open(c.id),
      },
      h('span', { class: 'line1' }, h('b', { class: `kind kind-${c.kind}` }, c.service), ` ${c.client} → ${c.server}`, c.tls ? h('span', { class: 'badge tls', title: 'TLS' }, 'TLS') : null),
      h('span', { class: 'line2' }, `${c.user ?? '—'} · ${clock(c.startedAt)} · ${length} · ${bytes} · `, h('span', { class: `result${c.closed ? '' : ' live-dot'}` }, state)),
    );
  }

  private keyboard(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Enter') return;
    event.preventDefault();
    const index = this.visible.findIndex((r) => r.id === this.selected);
    const next = event.key === 'Enter' ? Math.max(0, index) : Math.min(this.visible.length - 1, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)));
    const target = this.visible[next];
    if (!target) return;
    const top = next * ROW_HEIGHT;
    if (top < this.viewport.scrollTop || top + ROW_HEIGHT > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = top - ROW_HEIGHT;
    this.open(target.id);
  }
}
