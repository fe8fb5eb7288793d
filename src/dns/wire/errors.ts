/** A packet that breaks the wire format: the server answers FORMERR (RFC 1035 §4.1.1) instead of crashing. */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}
