/** Every failure the lab reports to a person carries a stable code; the CLI prints the message without a stack trace. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_MISSING'
  | 'PORT_IN_USE'
  | 'ADDRESS_UNAVAILABLE'
  | 'NOT_LOOPBACK_WITH_DEMO_PASSWORD'
  | 'PERMISSION_DENIED'
  | 'LAB_NOT_RUNNING'
  | 'USER_EXISTS'
  | 'USER_UNKNOWN'
  | 'BAD_ARGUMENT'
  | 'DATA_DIR';

export class WirelabError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WirelabError';
  }
}
