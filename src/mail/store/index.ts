/**
 * The mail store: Maildir++ per user, readable by mutt and Dovecot. See README.md in this folder.
 * Everything outside `src/mail/store/` imports from here.
 */
export * from './types.js';
export * from './errors.js';
export { deliverToMaildir, ensureMaildir } from './maildir-delivery.js';
export { openMailbox } from './mailbox.js';
