import { findHost } from '../../lab/config.js';
import type { ProbeResult } from '../../lab/service.js';
import { findDefinition } from '../../lab/services.js';
import type { CliCommand } from '../command.js';
import { findRunningLab } from '../running-lab.js';
import { table } from '../table.js';

/** The seed's "Test services": connect to every enabled service as a client would, and say how it went. */
export const testCommand: CliCommand = {
  name: 'test',
  summary: 'probe every enabled service as a client would (exit 1 if any fails)',
  usage: ['wirelab test [--config FILE] [--data DIR] [--port-offset N]'],
  async run(_args, ctx) {
    const run = await findRunningLab(ctx);
    const targets = Object.entries(ctx.config.services)
      .filter(([, s]) => s.enabled)
      .map(([name, s]) => {
        const kind = s.kind ?? name;
        const definition = findDefinition(kind);
        const host = findHost(ctx.config, s.host)!;
        const listening = run?.services.find((r) => r.name === name)?.endpoints.find((e) => e.transport === 'tcp') ??
          run?.services.find((r) => r.name === name)?.endpoints[0];
        const port = listening?.port ?? s.port ?? (definition ? definition.standardPort + ctx.portOffset : 0);
        return { name, kind, definition, address: host.address, hostName: host.name, port };
      });
    const results = await Promise.all(
      targets.map(async (t): Promise<ProbeResult> =>
        t.definition ? t.definition.probe({ address: t.address, port: t.port, hostName: t.hostName }) : { ok: false, ms: 0, detail: `unknown kind ${t.kind}` },
      ),
    );
    const rows = targets.map((t, i) => {
      const r = results[i]!;
      return [t.name, `${t.address}:${t.port}`, r.ok ? 'ok' : 'FAIL', String(r.ms), r.detail];
    });
    for (const line of table(['SERVICE', 'ADDRESS', 'RESULT', 'MS', 'DETAIL'], rows)) ctx.out(line);
    const failed = results.filter((r) => !r.ok).length;
    ctx.out(failed === 0 ? `all ${results.length} services answered` : `${failed} of ${results.length} services failed`);
    return failed === 0 ? 0 : 1;
  },
};
