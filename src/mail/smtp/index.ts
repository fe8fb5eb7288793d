import type { ServiceDefinition } from '../../lab/service.js';
import { probeSmtp } from './probe.js';
import { createSmtpService } from './server.js';

export const smtpDefinition: ServiceDefinition = {
  kind: 'smtp',
  summary: 'SMTP: mail in from anyone for the lab\'s domains (RFC 5321)',
  standardPort: 25,
  transport: 'tcp',
  create: (ctx) => createSmtpService(ctx, 'smtp'),
  probe: (target) => probeSmtp(target),
};

export const submissionDefinition: ServiceDefinition = {
  kind: 'submission',
  summary: 'Submission: mail from the lab\'s users, AUTH required (RFC 6409)',
  standardPort: 587,
  transport: 'tcp',
  create: (ctx) => createSmtpService(ctx, 'submission'),
  probe: (target) => probeSmtp(target),
};

export const smtpsDefinition: ServiceDefinition = {
  kind: 'smtps',
  summary: 'SMTPS: submission over TLS from the first byte (RFC 8314)',
  standardPort: 465,
  transport: 'tcp',
  create: (ctx) => createSmtpService(ctx, 'smtps'),
  probe: (target) => probeSmtp(target, true),
};
