import { deliverToMaildir } from '../../../src/mail/store/index.js';
import { startTestLab, type TestLab } from '../../helpers/lab.js';

/**
 * A lab running only what IMAP tests need: IMAP, IMAPS and, when asked, SMTP; with `extraUsers`
 * accounts u1@st.um… (password "password") so tests can each have a mailbox of their own.
 */
export async function startImapLab(options: { smtp?: boolean; extraUsers?: number; allowPlaintextAuth?: boolean } = {}): Promise<TestLab> {
  return startTestLab({
    edit: (config) => {
      config.services = {
        imap: { host: 'st.um' },
        imaps: { host: 'st.um' },
        ...(options.smtp ? { smtp: { host: 'st.um' } } : {}),
      };
      const extra = Array.from({ length: options.extraUsers ?? 0 }, (_, i) => ({ address: `u${i + 1}@st.um`, password: 'password' }));
      config.users = [...(config.users ?? []), ...extra];
      if (options.allowPlaintextAuth === false) config.mail = { ...(config.mail ?? {}), allowPlaintextAuth: false };
    },
  });
}

/** A small RFC 5322 message with CRLF line ends. */
export function sampleMessage(n: number, extra: { from?: string; subject?: string; body?: string; headers?: string[] } = {}): Buffer {
  const lines = [
    `From: ${extra.from ?? 'Alice Example <alice@um.es>'}`,
    'To: user1@st.um',
    `Subject: ${extra.subject ?? `Message ${n}`}`,
    `Date: Mon, 1 Jan 2024 10:${String(n % 60).padStart(2, '0')}:00 +0000`,
    `Message-ID: <m${n}@um.es>`,
    ...(extra.headers ?? []),
    '',
    extra.body ?? `Body of message ${n}.`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

/** Delivers messages straight into a user's INBOX, as the SMTP server does. */
export async function deliver(lab: TestLab, address: string, messages: Buffer[]): Promise<void> {
  for (const message of messages) await deliverToMaildir(lab.dataDir.maildirOf(address), message);
}
