import { MailStoreError } from '../store/index.js';
import { code, type ResponseCode } from './responses.js';

/** A command that failed: BAD for what the server could not understand, NO for what it will not do (RFC 3501 §7.1). */
export class ImapError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    message: string,
    readonly code?: ResponseCode,
  ) {
    super(message);
    this.name = 'ImapError';
  }
}

export function bad(message: string, responseCode?: ResponseCode): ImapError {
  return new ImapError('BAD', message, responseCode);
}

export function no(message: string, responseCode?: ResponseCode): ImapError {
  return new ImapError('NO', message, responseCode);
}

/**
 * The store's refusals as IMAP answers (RFC 5530 codes). `missingIsTryCreate`: for COPY, MOVE and
 * APPEND a missing target is [TRYCREATE] (RFC 3501 §6.3.11), elsewhere [NONEXISTENT].
 */
export function fromStoreError(err: unknown, missingIsTryCreate = false): ImapError {
  if (!(err instanceof MailStoreError)) throw err;
  switch (err.code) {
    case 'NONEXISTENT':
      return no(err.message, code(missingIsTryCreate ? 'TRYCREATE' : 'NONEXISTENT'));
    case 'ALREADY_EXISTS':
      return no(err.message, code('ALREADYEXISTS'));
    case 'INVALID_NAME':
    case 'CANNOT':
      return no(err.message, code('CANNOT'));
    case 'TOO_MANY_KEYWORDS':
      return no(err.message, code('LIMIT'));
    case 'EXPUNGED':
      return no(err.message, code('EXPUNGEISSUED'));
    case 'READ_ONLY':
      return no(err.message);
    case 'LOCKED':
      return no(err.message, code('INUSE'));
  }
}
