import type { ServiceReport } from '../../lab/service.js';
import type { CliCommand } from '../command.js';
import { consoleUrl, findRunningLab } from '../running-lab.js';
import { table } from '../table.js';

function uptime(since: number | undefined): string {
  if (!since) return '-';
  const s = Math.floor((Date.now() - since) / 1000);
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'list the running lab\'s services and their state',
  usage: ['wirelab status [--data DIR]'],
  async run(_args, ctx) {
    const run = await findRunningLab(ctx);
    if (!run) {
      ctx.out(`no lab running with data directory ${ctx.dataDir.root} (start one with \`wirelab up\`)`);
      return 3;
    }
    ctx.out(`lab running as pid ${run.pid} since ${run.startedAt}, data in ${run.dataDir}`);
    let reports: ServiceReport[] | undefined;
    try {
      const res = await fetch(`${consoleUrl(run)}/api/services`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) reports = (await res.json()) as ServiceReport[];
    } catch {
      reports = undefined;
    }
    const rows = run.services.map((s) => {
      const report = reports?.find((r) => r.name === s.name);
      return [
        s.name,
        s.kind,
        s.host,
        s.endpoints.map((e) => `${e.address}:${e.port}/${e.transport}${e.tls ? '+tls' : ''}`).join(' '),
        report?.status.state ?? 'unknown',
        report ? String(report.status.active) : '-',
        report ? String(report.status.total) : '-',
        uptime(report?.status.startedAt),
      ];
    });
    for (const line of table(['SERVICE', 'KIND', 'HOST', 'LISTENING', 'STATE', 'ACTIVE', 'TOTAL', 'UP'], rows)) ctx.out(line);
    return 0;
  },
};
