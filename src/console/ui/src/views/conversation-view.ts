import type { ConversationSteps, Step, TranscriptView } from '../../../api-types';
import { api } from '../api';
import { clock, duration, formatBytes, h } from '../dom';
import type { ConversationFeed } from '../live';
import { sequenceDiagram } from './sequence-diagram';

/**
 * One conversation: the transcript (C:/S: lines with time and delta) beside its sequence diagram, and
 * the explanation of the selected step. Selecting a line highlights its arrow and the other way round.
 * The eavesdropper switch shows what a sniffer on the wire would have read. Updates live.
 */
export class ConversationView {
  readonly element: HTMLElement;
  private view: TranscriptView = 'server';
  private data: ConversationSteps | undefined;
  private selected: number | undefined;
  private readonly body: HTMLElement;
  private readonly explanation: HTMLElement;
  private refreshTimer: number | undefined;
  private readonly stopListening: () => void;

  constructor(
    private readonly id: string,
    feed: ConversationFeed,
  ) {
    this.body = h('div', { class: 'conversation-body' }, h('p', { class: 'muted' }, 'loading…'));
    this.explanation = h('aside', { class: 'explanation', 'aria-live': 'polite', 'aria-label': 'Explanation' }, h('p', { class: 'muted' }, 'Select a line or an arrow to see what it means.'));
    const toggle = h('input', {
      type: 'checkbox',
      id: 'eavesdropper',
      role: 'switch',
      onchange: (e: Event) => {
        this.view = (e.target as HTMLInputElement).checked ? 'eavesdropper' : 'server';
        void this.load();
      },
    });
    this.element = h(
      'section',
      { class: 'conversation', 'aria-labelledby': 'conversation-title' },
      h(
        'div',
        { class: 'conversation-toolbar' },
        h('h2', { id: 'conversation-title' }, id),
        h('label', { class: 'switch', for: 'eavesdropper' }, toggle, h('span', {}, 'Eavesdropper view'), h('small', {}, ' what a sniffer on the wire sees')),
        h('a', { class: 'button', href: api.captureUrl(id), download: `${id}.pcapng`, id: 'download-pcap' }, 'Download pcapng'),
      ),
      this.body,
      this.explanation,
    );
    this.stopListening = feed.onEvent((event) => {
      if (event.conn !== this.id) return;
      window.clearTimeout(this.refreshTimer);
      this.refreshTimer = window.setTimeout(() => void this.load(), 150);
    });
    void this.load();
  }

  dispose(): void {
    this.stopListening();
    window.clearTimeout(this.refreshTimer);
  }

  private async load(): Promise<void> {
    try {
      this.data = await api.steps(this.id, this.view);
    } catch (err) {
      this.body.replaceChildren(h('p', { class: 'error', role: 'alert' }, (err as Error).message));
      return;
    }
    this.render();
  }

  private render(): void {
    const data = this.data;
    if (!data) return;
    const s = data.summary;
    const facts = h(
      'p',
      { class: 'facts' },
      `${s.service} (${data.protocol}) on ${s.host} · ${s.transport.toUpperCase()} ${s.client} → ${s.server} · ${s.user ?? 'no login'} · ${clock(s.startedAt)} · `,
      `${s.endedAt ? duration(s.endedAt - s.startedAt) : 'still open'} · ${formatBytes(s.bytesFromClient)} up, ${formatBytes(s.bytesFromServer)} down${s.tls ? ' · TLS' : ''}`,
      this.view === 'eavesdropper' ? h('strong', { class: 'eavesdrop-note' }, ' · eavesdropper view: secrets as they crossed the wire, nothing readable after the TLS handshake') : '',
    );
    const transcript = h('ol', { class: 'transcript', 'aria-label': 'Transcript' }, ...data.steps.map((step, i) => this.transcriptItem(step, data.steps[i - 1])));
    const diagram = sequenceDiagram(data.steps, s, (index) => this.select(index, 'diagram'));
    this.body.replaceChildren(facts, h('div', { class: 'split' }, h('div', { class: 'pane transcript-pane' }, transcript), h('div', { class: 'pane diagram-pane' }, diagram)));
    if (this.selected !== undefined) this.select(this.selected, 'none');
  }

  private transcriptItem(step: Step, previous: Step | undefined): HTMLElement {
    const delta = previous ? `+${(step.at - previous.at).toFixed(1)} ms` : '';
    const who = step.kind === 'data' ? (step.from === 'client' ? 'C:' : 'S:') : '──';
    return h(
      'li',
      {
        class: `t-step t-${step.kind}${step.from ? ` t-${step.from}` : ''}${step.encrypted ? ' encrypted' : ''}`,
        'data-step': step.index,
        tabindex: 0,
        onclick: () => this.select(step.index, 'transcript'),
        onkeydown: (e: Event) => {
          if ((e as KeyboardEvent).key === 'Enter') this.select(step.index, 'transcript');
        },
      },
      h('span', { class: 'time' }, clock(step.at), h('small', {}, delta)),
      h('span', { class: 'who' }, who),
      h(
        'span',
        { class: 'text' },
        ...step.lines.slice(0, 60).map((line) =>
          h('span', { class: 'line' }, line.text, line.decoded ? h('mark', { class: 'decoded', title: 'base64 decoded, as any eavesdropper can' }, ` ⇒ decoded: ${line.decoded}`) : ''),
        ),
        step.lines.length > 60 ? h('span', { class: 'line muted' }, `… ${step.lines.length - 60} more lines (select to see them explained)`) : '',
      ),
    );
  }

  private select(index: number, origin: 'transcript' | 'diagram' | 'none'): void {
    this.selected = index;
    for (const el of this.element.querySelectorAll('.selected[data-step]')) el.classList.remove('selected');
    const line = this.element.querySelector<HTMLElement>(`.transcript [data-step="${index}"]`);
    const arrow = this.element.querySelector<SVGElement>(`.diagram [data-step="${index}"]`);
    line?.classList.add('selected');
    arrow?.classList.add('selected');
    if (origin === 'diagram') line?.scrollIntoView({ block: 'nearest' });
    if (origin === 'transcript') arrow?.scrollIntoView({ block: 'nearest' });
    const step = this.data?.steps.find((s) => s.index === index);
    if (step) this.explain(step);
  }

  private explain(step: Step): void {
    const explained = step.lines.filter((l) => l.explanation).slice(0, 40);
    this.explanation.replaceChildren(
      h('h3', {}, step.kind === 'data' ? `${step.from === 'client' ? 'Client → server' : 'Server → client'}: ${step.label}` : step.label),
      step.encrypted ? h('p', {}, 'An eavesdropper sees only TLS records here: the size and the timing, not the content.') : '',
      explained.length === 0 && !step.encrypted ? h('p', { class: 'muted' }, step.lines.map((l) => l.text).join(' ')) : '',
      h(
        'dl',
        {},
        ...explained.flatMap((line) => [
          h('dt', {}, h('code', {}, line.text.length > 90 ? `${line.text.slice(0, 89)}…` : line.text), ' ', h('b', { class: 'term' }, line.explanation?.term ?? '')),
          h('dd', {}, line.explanation?.meaning ?? '', ' ', h('cite', {}, line.explanation?.rfc ?? '')),
        ]),
      ),
    );
  }
}
