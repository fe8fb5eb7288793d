import type { ServiceDefinition } from '../../lab/service.js';
import { probePop3 } from './probe.js';
import { createPop3Service } from './server.js';

export const pop3Definition: ServiceDefinition = {
  kind: 'pop3',
  summary: 'POP3: download mail from the INBOX, one session per maildrop (RFC 1939)',
  standardPort: 110,
  transport: 'tcp',
  create: (ctx) => createPop3Service(ctx, false),
  probe: (target) => probePop3(target),
};

export const pop3sDefinition: ServiceDefinition = {
  kind: 'pop3s',
  summary: 'POP3S: POP3 over TLS from the first byte (RFC 8314)',
  standardPort: 995,
  transport: 'tcp',
  create: (ctx) => createPop3Service(ctx, true),
  probe: (target) => probePop3(target, true),
};
