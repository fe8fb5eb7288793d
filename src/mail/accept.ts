import type { LabConfig } from '../lab/config.js';
import type { DataDir } from '../lab/data-dir.js';
import { OutboundQueue } from './queue/outbound-queue.js';
import { newQueueId } from './queue-id.js';
import { rfc5322Date } from './rfc5322-date.js';
import { deliverToMaildir } from './store/maildir-delivery.js';
import { headerSection, receivedHeader, type ReceiptFacts } from './trace-headers.js';

export interface Envelope {
  from: string;
  recipients: { address: string; route: 'local' | 'relay' }[];
  helo: string;
  clientAddress: string;
  protocol: string;
  user?: string;
  tls?: { protocol: string; cipher: string };
  /** A client of the lab's own network or a logged-in user: its missing Message-ID, Date and From are added, as Postfix does for local submissions. */
  trusted: boolean;
}

export interface Accepted {
  id: string;
  local: string[];
  queued: string[];
}

/**
 * Takes responsibility for a message: writes each local recipient's copy into their Maildir and the
 * copy for other domains into the outbound queue, and resolves only when every copy is durable.
 */
export class MailAcceptor {
  readonly queue: OutboundQueue;

  constructor(
    private readonly config: LabConfig,
    private readonly dataDir: DataDir,
    private readonly hostname: string,
  ) {
    this.queue = new OutboundQueue(dataDir.queue);
  }

  async accept(envelope: Envelope, data: Buffer): Promise<Accepted> {
    const id = newQueueId();
    const at = new Date();
    const facts: ReceiptFacts = {
      id,
      helo: envelope.helo,
      clientAddress: envelope.clientAddress,
      receivedBy: this.hostname,
      protocol: envelope.protocol,
      recipients: envelope.recipients.map((r) => r.address),
      at,
      ...(envelope.user ? { user: envelope.user } : {}),
      ...(envelope.tls ? { tls: envelope.tls } : {}),
    };
    const clientHost = this.config.hosts.find((h) => h.address === envelope.clientAddress);
    if (clientHost) facts.clientName = clientHost.name;

    const { names, hasHeader } = headerSection(data);
    let added = '';
    if (envelope.trusted) {
      if (!names.has('message-id')) added += `Message-Id: <${rfc5322Stamp(at)}.${id}@${this.hostname}>\r\n`;
      if (!names.has('date')) added += `Date: ${rfc5322Date(at)}\r\n`;
      if (!names.has('from') && envelope.from) added += `From: <${envelope.from}>\r\n`;
    }
    // Without a header section of its own, the text is body: a blank line keeps it out of our headers.
    const separator = hasHeader || data.length === 0 || data[0] === 0x0d ? '' : '\r\n';
    const trace = Buffer.from(receivedHeader(facts) + added + separator);

    const local = envelope.recipients.filter((r) => r.route === 'local').map((r) => r.address);
    const queued = envelope.recipients.filter((r) => r.route === 'relay').map((r) => r.address);
    const returnPath = `Return-Path: <${envelope.from}>\r\n`;
    // A local copy is written from its parts, not joined; the queue's copy is assembled in one go.
    await Promise.all([
      ...local.map((address) => deliverToMaildir(this.dataDir.maildirOf(address), [Buffer.from(`${returnPath}Delivered-To: ${address}\r\n`), trace, data])),
      queued.length > 0
        ? this.queue.enqueue({ id, from: envelope.from, recipients: queued, receivedAt: at.toISOString(), host: this.hostname }, Buffer.concat([trace, data]))
        : Promise.resolve(),
    ]);
    return { id, local, queued };
  }
}

function rfc5322Stamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
