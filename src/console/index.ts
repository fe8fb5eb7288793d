import type { ServiceDefinition } from '../lab/service.js';
import { probeHttpJson } from './probe.js';
import { ConsoleService } from './server.js';

export const consoleDefinition: ServiceDefinition = {
  kind: 'console',
  summary: 'Console: the web app (every conversation live, explained) and the lab\'s JSON API (what `wirelab trace` reads)',
  standardPort: 8025,
  transport: 'tcp',
  create: (ctx) => new ConsoleService(ctx),
  probe: (target) => probeHttpJson(target, '/api/lab'),
};
