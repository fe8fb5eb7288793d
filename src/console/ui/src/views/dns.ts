import type { DnsAnswer, DnsRecordRow } from '../../../api-types';
import { api } from '../api';
import { h } from '../dom';

const TYPES = ['A', 'AAAA', 'MX', 'NS', 'SOA', 'CNAME', 'TXT', 'SRV', 'PTR', 'ANY'];

function recordTable(caption: string, rows: DnsRecordRow[]): HTMLElement {
  return h(
    'table',
    { class: 'records' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...['Name', 'TTL', 'Class', 'Type', 'Data'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, h('td', {}, r.name), h('td', { class: 'num' }, r.ttl), h('td', {}, r.class), h('td', {}, h('b', {}, r.type)), h('td', { class: 'data' }, r.data)))),
  );
}

function answerView(answer: DnsAnswer): HTMLElement {
  const { header } = answer;
  return h(
    'div',
    { class: 'dns-answer', 'aria-live': 'polite' },
    h(
      'p',
      { class: 'dns-header' },
      h('b', {}, `${header.opcode} ${header.rcode}`),
      ` id ${header.id} · `,
      ...header.flags.map((f) => h('span', { class: 'badge' }, f)),
      ` · QUERY ${header.qdcount}, ANSWER ${header.ancount}, AUTHORITY ${header.nscount}, ADDITIONAL ${header.arcount} · ${answer.server} over ${answer.transport.toUpperCase()} in ${answer.ms} ms`,
    ),
    answer.rcodeExplanation ? h('p', { class: 'muted' }, `${answer.rcodeExplanation.term}: ${answer.rcodeExplanation.meaning} `, h('cite', {}, answer.rcodeExplanation.rfc)) : '',
    answer.answer.length ? recordTable('Answer section', answer.answer) : '',
    answer.authority.length ? recordTable('Authority section', answer.authority) : '',
    answer.additional.length ? recordTable('Additional section', answer.additional) : '',
    h('details', { open: true }, h('summary', {}, 'As dig prints it'), h('pre', { class: 'dig' }, answer.digText)),
  );
}

/** DNS: each zone as a table, and a query box that asks the lab's DNS for real and shows the answer as dig and Wireshark do. */
export async function dnsView(): Promise<HTMLElement> {
  const zones = await api.zones();
  const zoneArea = h('div', { class: 'zone-area' });
  const answerArea = h('div', { class: 'answer-area' });
  const showZone = async (origin: string): Promise<void> => {
    zoneArea.replaceChildren(h('p', { class: 'muted' }, `copying ${origin} (AXFR)…`));
    try {
      const zone = await api.zone(origin);
      zoneArea.replaceChildren(h('p', { class: 'muted' }, `${zone.records.length} records from ${zone.server}`), recordTable(`Zone ${zone.origin}`, zone.records));
    } catch (err) {
      zoneArea.replaceChildren(h('p', { class: 'error', role: 'alert' }, (err as Error).message));
    }
  };
  const nameInput = h('input', { id: 'dns-name', name: 'name', value: zones[0]?.origin ?? 'st.um', required: true, autocomplete: 'off' });
  const typeSelect = h('select', { id: 'dns-type', name: 'type' }, ...TYPES.map((t) => h('option', { value: t }, t)));
  const form = h(
    'form',
    {
      class: 'dns-query',
      onsubmit: (e: Event) => {
        e.preventDefault();
        answerArea.replaceChildren(h('p', { class: 'muted' }, 'asking…'));
        api.dnsQuery(nameInput.value.trim(), typeSelect.value).then(
          (answer) => answerArea.replaceChildren(answerView(answer)),
          (err: unknown) => answerArea.replaceChildren(h('p', { class: 'error', role: 'alert' }, (err as Error).message)),
        );
      },
    },
    h('label', { for: 'dns-name' }, 'Name'),
    nameInput,
    h('label', { for: 'dns-type' }, 'Type'),
    typeSelect,
    h('button', { type: 'submit' }, 'Query'),
  );
  const zoneButtons = zones.map((z) =>
    h('button', { type: 'button', class: 'zone-button', onclick: () => void showZone(z.origin) }, z.origin, h('small', {}, ` ${z.source}${z.primary ? `, primary ${z.primary}` : ''}${z.secondaries.length ? `, secondaries ${z.secondaries.join(' ')}` : ''}`)),
  );
  if (zones[0]) void showZone(zones[0].origin);
  return h(
    'section',
    { class: 'page dns', 'aria-labelledby': 'dns-heading' },
    h('h2', { id: 'dns-heading' }, 'DNS'),
    h('div', { class: 'columns' }, h('div', {}, h('h3', {}, 'Ask the lab’s DNS'), form, answerArea), h('div', {}, h('h3', {}, 'Zones'), h('div', { class: 'zone-list' }, ...zoneButtons), zoneArea)),
  );
}
