import type { Directory } from '../../directory/directory.js';
import type { DataDir } from '../../lab/data-dir.js';
import { deliverToMaildir } from '../store/maildir-delivery.js';
import type { RecipientResult, Transaction } from './smtp-client/transaction.js';

/**
 * Delivery into this host's mailboxes (what Postfix hands to local(8)/virtual(8)): the queue holds
 * such mail only when the agent wrote it itself — a bounce or delay notice to a sender of this host.
 * Each copy gets Return-Path and Delivered-To, as the SMTP server's own deliveries do.
 */
export class LocalTransport {
  constructor(
    private readonly directory: Directory,
    private readonly dataDir: DataDir,
  ) {}

  async deliver(t: Transaction): Promise<RecipientResult[]> {
    return Promise.all(
      t.recipients.map(async (address): Promise<RecipientResult> => {
        const mailbox = this.mailboxOf(address);
        if (!mailbox) {
          return { address, kind: 'failed', temporary: false, failure: { status: '5.1.1', text: `unknown user: "${address}"` } };
        }
        const headers = Buffer.from(`Return-Path: <${t.from}>\r\nDelivered-To: ${mailbox}\r\n`);
        try {
          const name = await deliverToMaildir(this.dataDir.maildirOf(mailbox), Buffer.concat([headers, t.message]));
          return { address, kind: 'delivered', remote: 'local', reply: `delivered to maildir (${name})` };
        } catch (err) {
          return { address, kind: 'failed', temporary: true, failure: { status: '4.3.0', text: `cannot write the maildir of ${mailbox}: ${(err as Error).message}` } };
        }
      }),
    );
  }

  /** A directory user, or the postmaster every domain must have (RFC 5321 §4.5.1). */
  private mailboxOf(address: string): string | undefined {
    const user = this.directory.find(address);
    if (user) return user.address;
    return /^postmaster@/i.test(address) ? address.toLowerCase() : undefined;
  }
}
