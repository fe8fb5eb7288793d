import type { ServiceDefinition } from './service.js';
import { consoleDefinition } from '../console/index.js';
import { dnsDefinition } from '../dns/service.js';
import { deliveryDefinition } from '../mail/delivery/index.js';
import { smtpDefinition, smtpsDefinition, submissionDefinition } from '../mail/smtp/index.js';
import { imapDefinition, imapsDefinition } from '../mail/imap/index.js';
import { pop3Definition, pop3sDefinition } from '../mail/pop3/index.js';

/**
 * Every kind of service the lab can run. A new protocol is a new folder exporting a
 * ServiceDefinition, and one line here.
 */
export const SERVICE_DEFINITIONS: readonly ServiceDefinition[] = [
  smtpDefinition,
  submissionDefinition,
  smtpsDefinition,
  consoleDefinition,
  dnsDefinition,
  imapDefinition,
  imapsDefinition,
  pop3Definition,
  pop3sDefinition,
  deliveryDefinition,
];

export function findDefinition(kind: string): ServiceDefinition | undefined {
  return SERVICE_DEFINITIONS.find((d) => d.kind === kind);
}
