import { FrameReader } from '../dns/wire/tcp-frames.js';
import { decodeMessage, type DnsMessage } from '../dns/wire/message.js';
import { rcodeName } from '../dns/rcodes.js';
import { opcodeName, typeName } from '../dns/wire/constants.js';
import { recordBrief } from '../dns/zone/rr-text.js';
import { droppedSummary, type Conversation } from '../net/transcripts.js';
import type { DataEvent, TapEvent } from '../net/tap.js';
import type { ConversationSteps, Side, Step, StepLine, TranscriptView } from './api-types.js';
import { summarize } from './conversation-view.js';
import { digLines } from './dns/dig-text.js';
import { catalogueForKind, type LineReader } from './explain/index.js';

/** Lines of one data step that get explained; a message body beyond this is summarised, not annotated line by line. */
const MAX_LINES_PER_STEP = 400;
const LABEL_LENGTH = 60;

/**
 * A conversation as sequence-diagram steps, each line explained. The server's view shows what the server
 * read and wrote (inside TLS too, secrets as ***); the eavesdropper's view shows what crossed the wire:
 * secrets as typed (base64 decoded), and after the TLS handshake only encrypted records.
 */
export function conversationSteps(conv: Conversation, view: TranscriptView): ConversationSteps {
  const catalogue = catalogueForKind(conv.open.kind);
  const reader: LineReader = catalogue?.reader() ?? { explain: () => undefined };
  const binary = catalogue?.protocol === 'dns' ? new DnsRenderer(conv.open.transport) : undefined;
  let encrypted = false;
  const steps: Step[] = [];
  conv.events.forEach((event, index) => {
    if (event.type === 'tls') encrypted = view === 'eavesdropper';
    const step = stepOf(event, index, { reader, binary, encrypted, view });
    // Notes are what the server knows (states, logins): nothing a sniffer sees.
    if (view === 'server' || step.kind !== 'note') steps.push(step);
  });
  if (conv.dropped) {
    const events = conv.dropped.events;
    const text = droppedSummary(conv.dropped);
    const last = steps.at(-1);
    steps.splice(last?.kind === 'close' ? -1 : steps.length, 0, { index: conv.events.length, at: last?.at ?? conv.open.at, kind: 'note', label: `${events} events not kept`, lines: [{ text }], size: 0 });
  }
  return { summary: summarize(conv), view, protocol: catalogue?.protocol ?? conv.open.kind, steps };
}

interface StepContext {
  reader: LineReader;
  binary: DnsRenderer | undefined;
  encrypted: boolean;
  view: TranscriptView;
}

function stepOf(event: TapEvent, index: number, ctx: StepContext): Step {
  const base = { index, at: event.at };
  switch (event.type) {
    case 'open': {
      const label = event.transport === 'tcp' ? 'TCP open: SYN, SYN-ACK, ACK' : 'UDP exchange';
      return { ...base, kind: 'open', from: 'client', label, lines: [{ text: `${event.client.address}:${event.client.port} → ${event.server.address}:${event.server.port} (${event.service} on ${event.host})` }], size: 0 };
    }
    case 'tls': {
      const text = `TLS handshake: ${event.protocol} ${event.cipher}${event.servername ? `, SNI ${event.servername}` : ''}`;
      const lines: StepLine[] = [{ text, explanation: { term: 'TLS', meaning: 'From here on every byte on the wire is encrypted: a sniffer sees only TLS records.', rfc: 'RFC 8446, RFC 3207 / RFC 2595 / RFC 8314' } }];
      if (event.certificate) lines.push({ text: `certificate for ${event.certificate}` });
      return { ...base, kind: 'tls', label: `TLS ${event.protocol}`, lines, size: 0 };
    }
    case 'note':
      return { ...base, kind: 'note', label: event.topic === 'user' ? `logged in as ${event.text}` : event.text, lines: [{ text: `${event.topic}: ${event.text}` }], size: 0 };
    case 'close':
      return { ...base, kind: 'close', label: `close (${event.reason})`, lines: [{ text: event.reason }], size: 0 };
    case 'data':
      return dataStep(event, index, ctx);
  }
}

function dataStep(event: DataEvent, index: number, ctx: StepContext): Step {
  const size = event.bytes.length + (event.omitted ?? 0);
  const base = { index, at: event.at, kind: 'data' as const, from: event.from, size, ...(event.redacted !== undefined ? { secret: true } : {}) };
  const rendered = ctx.binary ? ctx.binary.render(event) : { lines: textLines(event, ctx.view) };
  const lines = explainLines(rendered.lines, event.from, ctx.reader);
  if (ctx.encrypted) {
    return { index, at: event.at, kind: 'data', from: event.from, size, label: 'TLS records', encrypted: true, lines: [{ text: `TLS application data: ${size} bytes, encrypted — nothing readable on the wire` }] };
  }
  if (ctx.view === 'eavesdropper' && event.redacted !== undefined) {
    for (const line of lines) {
      const decoded = decodeSecret(line.text);
      if (decoded) line.decoded = decoded;
    }
  }
  if (event.omitted) lines.push({ text: `… ${event.omitted} more bytes crossed the wire but were not kept (the tap's per-conversation limit)` });
  return { ...base, label: rendered.label ?? labelOf(lines, size), lines };
}

function textLines(event: DataEvent, view: TranscriptView): string[] {
  if (event.redacted !== undefined && view === 'server') return splitLines(event.redacted);
  const text = event.bytes.toString('utf8');
  if (text.includes('\uFFFD')) return [`<${event.bytes.length} bytes, not text>`];
  return splitLines(text);
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function explainLines(texts: string[], from: Side, reader: LineReader): StepLine[] {
  const lines: StepLine[] = [];
  for (const [i, text] of texts.entries()) {
    if (i >= MAX_LINES_PER_STEP) {
      lines.push({ text: `… ${texts.length - i} more lines` });
      // The reader still reads them, so it knows where a literal or a multi-line reply ends.
      for (const rest of texts.slice(i)) reader.explain(from, rest);
      break;
    }
    const explanation = reader.explain(from, text);
    lines.push(explanation ? { text, explanation } : { text });
  }
  return lines;
}

function labelOf(lines: StepLine[], size: number): string {
  const first = lines[0];
  const term = first?.explanation?.term;
  if (term === 'message' || term === 'literal') return `${term} (${size} bytes)`;
  const text = (first?.text ?? '').replace(/\t+/g, ' ');
  const shown = text.length > LABEL_LENGTH ? `${text.slice(0, LABEL_LENGTH - 1)}…` : text;
  return lines.length > 1 ? `${shown} (+${lines.length - 1} lines)` : shown;
}

/**
 * A SASL secret as an eavesdropper decodes it: the initial response of AUTH/AUTHENTICATE, or a lone
 * base64 line answering a challenge; NUL bytes shown as \0 (PLAIN: `\0user\0password`). Clear-text
 * secrets (POP3 PASS, IMAP LOGIN) need no decoding.
 */
export function decodeSecret(line: string): string | undefined {
  const token = /^(?:\S+\s+)?(?:AUTH|AUTHENTICATE)\s+\S+\s+(\S+)$/i.exec(line.trim())?.[1] ?? /^(\S+)$/.exec(line.trim())?.[1] ?? '';
  if (token.length < 4 || token.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!/^[\x00\x20-\x7e\u00a0-\uffff]+$/.test(text) || text.includes('\uFFFD')) return undefined;
  return text.replace(/\x00/g, '\\0');
}

/** DNS messages are binary: each is shown as dig prints it (over TCP, after reassembling the length-prefixed frames). */
class DnsRenderer {
  private readonly frames: Record<Side, FrameReader> = { client: new FrameReader(), server: new FrameReader() };

  constructor(private readonly transport: 'tcp' | 'udp') {}

  /** The dig lines, and an arrow label like `query st.um MX` or `NOERROR: MX 10 mail.st.um, MX 20 mail2.st.um`. */
  render(event: DataEvent): { lines: string[]; label?: string } {
    const messages = this.transport === 'udp' ? [event.bytes] : this.frames[event.from].push(event.bytes);
    if (messages.length === 0) return { lines: [`<${event.bytes.length} bytes of a DNS message still arriving>`] };
    const lines: string[] = [];
    const labels: string[] = [];
    for (const bytes of messages) {
      if (lines.length > 0) lines.push('');
      try {
        const message = decodeMessage(bytes);
        lines.push(...digLines(message));
        labels.push(briefOf(message));
      } catch (err) {
        lines.push(`<${bytes.length} bytes, not a valid DNS message: ${(err as Error).message}>`);
      }
    }
    return labels.length > 0 ? { lines, label: labels.join(' · ') } : { lines };
  }
}

function briefOf(message: DnsMessage): string {
  const question = message.questions[0];
  const asked = question ? `${question.name || '.'} ${typeName(question.type)}` : '';
  if (!message.qr) return `${opcodeName(message.opcode) === 'QUERY' ? 'query' : opcodeName(message.opcode)} ${asked}`.trim();
  const answers = message.answers.slice(0, 3).map(recordBrief).join(', ');
  const more = message.answers.length > 3 ? ` +${message.answers.length - 3}` : '';
  return `${rcodeName(message.rcode)}${answers ? `: ${answers}${more}` : ` (${asked})`}`;
}
