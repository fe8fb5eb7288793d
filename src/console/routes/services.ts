import { findDefinition } from '../../lab/services.js';
import type { ProbeOutcome } from '../api-types.js';
import { get, HttpProblem, post, sendJson, type RouteFactory } from '../http-json.js';

/** The lab and its services: status of each, and the probe `wirelab test` runs, on demand. */
export const serviceRoutes: RouteFactory = (ctx) => {
  const { observe } = ctx;
  return [
    get(/^\/api\/lab$/, (_req, res) => sendJson(res, 200, { startedAt: observe.startedAt, services: observe.services() })),
    get(/^\/api\/services$/, (_req, res) => sendJson(res, 200, observe.services())),
    post(/^\/api\/services\/([a-z][a-z0-9-]*)\/probe$/, async (_req, res, _url, [name]) => {
      const report = observe.services().find((s) => s.name === name);
      if (!report) throw new HttpProblem(404, `no running service named ${name}`);
      const definition = findDefinition(report.kind);
      const host = ctx.config.hosts.find((h) => h.name === report.host);
      if (!definition || !host) throw new HttpProblem(409, `service ${name} cannot be probed`);
      // A service that listens nowhere (a delivery agent) is probed at port 0, as `wirelab test` does.
      const endpoint = report.status.endpoints.find((e) => e.transport === 'tcp') ?? report.status.endpoints[0] ?? { address: host.address, port: 0 };
      const result = await definition.probe({ address: endpoint.address, port: endpoint.port, hostName: host.name });
      const outcome: ProbeOutcome = { service: report.name, ...result };
      sendJson(res, 200, outcome);
    }),
  ];
};
