/** Why a store operation was refused; IMAP maps each code to a response code, POP3 to -ERR. */
export type MailStoreErrorCode =
  /** The folder does not exist (IMAP [NONEXISTENT], [TRYCREATE] for COPY/APPEND). */
  | 'NONEXISTENT'
  /** CREATE or RENAME to a name that exists ([ALREADYEXISTS]). */
  | 'ALREADY_EXISTS'
  /** A name the store cannot keep: empty, `..`, a `/`, a control character, a leading or doubled delimiter. */
  | 'INVALID_NAME'
  /** Not possible for this folder (DELETE INBOX) ([CANNOT]). */
  | 'CANNOT'
  /** A 27th keyword ([LIMIT]). */
  | 'TOO_MANY_KEYWORDS'
  /** The message was expunged by another session ([EXPUNGEISSUED]). */
  | 'EXPUNGED'
  /** A change through a read-only view. */
  | 'READ_ONLY'
  /** The POP3 maildrop is in use ([INUSE]). */
  | 'LOCKED';

export class MailStoreError extends Error {
  constructor(
    readonly code: MailStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MailStoreError';
  }
}
