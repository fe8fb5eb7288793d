import type { ServiceInfo } from '../../../api-types';
import { api } from '../api';
import { duration, h } from '../dom';

/** Every service: where it listens, TLS, state, uptime, counters — and the probe `wirelab test` runs, on a button. */
export async function servicesView(): Promise<HTMLElement> {
  const services = await api.services();
  const results = new Map<string, HTMLElement>();
  const probe = async (name: string): Promise<void> => {
    const cell = results.get(name);
    if (!cell) return;
    cell.textContent = 'probing…';
    try {
      const outcome = await api.probe(name);
      cell.replaceChildren(h('span', { class: outcome.ok ? 'ok' : 'fail' }, outcome.ok ? 'ok' : 'FAIL'), ` ${outcome.ms} ms · ${outcome.detail}`);
    } catch (err) {
      cell.replaceChildren(h('span', { class: 'fail' }, 'FAIL'), ` ${(err as Error).message}`);
    }
  };
  const row = (s: ServiceInfo): HTMLElement => {
    const result = h('td', { class: 'probe-result', 'aria-live': 'polite' }, '');
    results.set(s.name, result);
    const endpoints = s.status.endpoints.map((e) => `${e.address}:${e.port}/${e.transport}${e.tls ? ' (TLS)' : ''}`).join(', ');
    return h(
      'tr',
      { 'data-service': s.name },
      h('th', { scope: 'row' }, s.name, h('small', {}, ` ${s.kind}`)),
      h('td', {}, s.host),
      h('td', {}, endpoints),
      h('td', {}, h('span', { class: `state state-${s.status.state}` }, s.status.state)),
      h('td', {}, s.status.startedAt ? duration(Date.now() - s.status.startedAt) : '—'),
      h('td', { class: 'num' }, s.status.active),
      h('td', { class: 'num' }, s.status.total),
      h('td', {}, h('button', { type: 'button', onclick: () => void probe(s.name), 'aria-label': `Probe ${s.name}` }, 'Probe')),
      result,
      h('td', { class: 'detail' }, s.summary, s.status.detail ? h('small', {}, ` — ${s.status.detail}`) : ''),
    );
  };
  return h(
    'section',
    { class: 'page services', 'aria-labelledby': 'services-heading' },
    h('div', { class: 'page-head' }, h('h2', { id: 'services-heading' }, 'Services'), h('button', { type: 'button', onclick: () => services.forEach((s) => void probe(s.name)) }, 'Probe all (like wirelab test)')),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...['Service', 'Host', 'Listening', 'State', 'Uptime', 'Active', 'Total', 'Probe', 'Result', 'What'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...services.map(row)),
      ),
    ),
  );
}
