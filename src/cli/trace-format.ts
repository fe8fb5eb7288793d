import type { WireEvent } from '../net/transcripts.js';

const MAX_BLOCK_LINES = 20;

function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}

/** One tap event as the seeds print conversations: `S: 220 …`, `C: HELO st.um`, with time and conversation id. */
export function formatTraceEvent(event: WireEvent): string[] {
  const prefix = `${clock(event.at)} ${event.conn}`;
  switch (event.type) {
    case 'open':
      return [`${prefix}  ── open ${event.client.address}:${event.client.port} → ${event.server.address}:${event.server.port} (${event.service} on ${event.host}, ${event.transport})`];
    case 'close':
      return [`${prefix}  ── close (${event.reason})`];
    case 'tls':
      return [`${prefix}  ── TLS ${event.protocol} ${event.cipher}${event.servername ? ` SNI ${event.servername}` : ''} — what follows is encrypted on the wire`];
    case 'note':
      return [`${prefix}  ·· ${event.topic === 'user' ? `logged in as ${event.text}` : event.text}`];
    case 'data': {
      const who = event.from === 'client' ? 'C:' : 'S:';
      if (event.text === undefined) return [`${prefix}  ${who} <${event.size} bytes, not text>`];
      const lines = event.text.split(/\r?\n/);
      if (lines[lines.length - 1] === '') lines.pop();
      const shown = lines.slice(0, MAX_BLOCK_LINES).map((line) => `${prefix}  ${who} ${line.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '�')}`);
      const hidden = lines.length - shown.length;
      const omitted = event.omitted ?? 0;
      if (hidden > 0 || omitted > 0) {
        shown.push(`${prefix}  ${who} … ${hidden > 0 ? `${hidden} more lines` : ''}${hidden > 0 && omitted > 0 ? ', ' : ''}${omitted > 0 ? `${omitted} bytes not kept` : ''} (${event.size + omitted} bytes in all)`);
      }
      return shown;
    }
  }
}
