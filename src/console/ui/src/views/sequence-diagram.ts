import type { Step } from '../../../api-types';
import { svg } from '../dom';

const WIDTH = 420;
const CLIENT_X = 70;
const SERVER_X = WIDTH - 70;
const ROW = 34;
const TOP = 46;

/**
 * The message-sequence diagram the seeds ask students to draw: client and server lifelines, one arrow
 * per command and reply in order, the TCP open and close as their own arrows, TLS as a shaded band,
 * state changes as notes. Each step is a focusable group carrying its index, so a click (or Enter)
 * on it selects the matching transcript line.
 */
export function sequenceDiagram(steps: Step[], ends: { client: string; server: string; transport: string }, onSelect: (index: number) => void): SVGSVGElement {
  const { client, server } = ends;
  const rows = steps.length;
  const height = TOP + rows * ROW + 30;
  const root = svg('svg', { class: 'diagram', viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'group', 'aria-label': 'Message sequence diagram' });
  root.append(
    svg('defs', {}, marker('arrow-head', 'currentColor')),
    svg('text', { x: CLIENT_X, y: 18, class: 'actor', 'text-anchor': 'middle' }, 'client'),
    svg('text', { x: CLIENT_X, y: 32, class: 'actor-sub', 'text-anchor': 'middle' }, client),
    svg('text', { x: SERVER_X, y: 18, class: 'actor', 'text-anchor': 'middle' }, 'server'),
    svg('text', { x: SERVER_X, y: 32, class: 'actor-sub', 'text-anchor': 'middle' }, server),
    svg('line', { x1: CLIENT_X, y1: TOP - 6, x2: CLIENT_X, y2: height - 10, class: 'lifeline' }),
    svg('line', { x1: SERVER_X, y1: TOP - 6, x2: SERVER_X, y2: height - 10, class: 'lifeline' }),
  );
  let encryptedFrom: number | undefined;
  steps.forEach((step, row) => {
    const y = TOP + row * ROW + ROW / 2;
    if (step.kind === 'tls') encryptedFrom = y - ROW / 2;
    root.append(stepShape(step, y, ends.transport === 'udp', onSelect));
  });
  if (encryptedFrom !== undefined) {
    root.insertBefore(svg('rect', { x: CLIENT_X - 30, y: encryptedFrom, width: SERVER_X - CLIENT_X + 60, height: height - encryptedFrom - 10, class: 'tls-band' }), root.children[1] ?? null);
  }
  return root;
}

function marker(id: string, color: string): SVGMarkerElement {
  return svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 9, markerHeight: 9, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: color }));
}

function stepShape(step: Step, y: number, udp: boolean, onSelect: (index: number) => void): SVGGElement {
  const kindClass = step.kind === 'data' ? `arrow from-${step.from ?? 'client'}${step.encrypted ? ' encrypted' : ''}${step.secret ? ' secret' : ''}` : step.kind;
  const group = svg('g', {
    class: `step ${kindClass}`,
    'data-step': step.index,
    'data-from': step.from ?? '',
    tabindex: 0,
    role: 'button',
    'aria-label': `${step.kind === 'data' ? (step.from === 'client' ? 'client to server: ' : 'server to client: ') : ''}${step.label}`,
    onclick: () => onSelect(step.index),
    onkeydown: (e: Event) => {
      if ((e as KeyboardEvent).key === 'Enter' || (e as KeyboardEvent).key === ' ') {
        e.preventDefault();
        onSelect(step.index);
      }
    },
  });
  const title = svg('title', {}, step.lines.map((l) => l.text).join('\n').slice(0, 500));
  group.append(title);
  switch (step.kind) {
    case 'data': {
      const [from, to] = step.from === 'client' ? [CLIENT_X, SERVER_X] : [SERVER_X, CLIENT_X];
      group.append(
        svg('rect', { x: CLIENT_X, y: y - ROW / 2 + 1, width: SERVER_X - CLIENT_X, height: ROW - 2, class: 'hit' }),
        svg('line', { x1: from, y1: y + 6, x2: to, y2: y + 6, class: 'shaft', 'marker-end': 'url(#arrow-head)' }),
        svg('text', { x: (CLIENT_X + SERVER_X) / 2, y: y + 1, 'text-anchor': 'middle', class: 'label' }, truncate(step.label, 46)),
      );
      break;
    }
    case 'open':
    case 'close': {
      // Three thin arrows: SYN, SYN-ACK, ACK — or FIN, FIN, ACK.
      const names = step.kind === 'open' ? ['SYN', 'SYN-ACK', 'ACK'] : ['FIN', 'FIN', 'ACK'];
      const directions = step.kind === 'open' ? [1, -1, 1] : [-1, 1, -1];
      if (udp) {
        // UDP has no connection: the exchange just begins and ends.
        group.append(svg('text', { x: (CLIENT_X + SERVER_X) / 2, y: y + 4, 'text-anchor': 'middle', class: 'label minor' }, step.label));
        break;
      }
      directions.forEach((direction, i) => {
        const yy = y - 9 + i * 9;
        const [from, to] = direction > 0 ? [CLIENT_X, SERVER_X] : [SERVER_X, CLIENT_X];
        group.append(svg('line', { x1: from, y1: yy, x2: to, y2: yy, class: 'shaft thin', 'marker-end': 'url(#arrow-head)' }));
        group.append(svg('text', { x: direction > 0 ? CLIENT_X + 6 : SERVER_X - 6, y: yy - 1, 'text-anchor': direction > 0 ? 'start' : 'end', class: 'tcp-label' }, names[i] ?? ''));
      });
      group.append(svg('text', { x: (CLIENT_X + SERVER_X) / 2, y: y + 2, 'text-anchor': 'middle', class: 'label minor' }, step.kind === 'open' ? 'TCP open' : step.label));
      break;
    }
    case 'tls':
      group.append(
        svg('rect', { x: CLIENT_X - 24, y: y - 11, width: SERVER_X - CLIENT_X + 48, height: 22, rx: 4, class: 'tls-handshake' }),
        svg('text', { x: (CLIENT_X + SERVER_X) / 2, y: y + 4, 'text-anchor': 'middle', class: 'label' }, `${step.label} handshake`),
      );
      break;
    case 'note':
      group.append(
        svg('rect', { x: SERVER_X - 150, y: y - 9, width: 190, height: 18, rx: 3, class: 'note-box' }),
        svg('text', { x: SERVER_X - 145, y: y + 4, class: 'note-text' }, truncate(step.label, 34)),
      );
      break;
  }
  return group;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
