import { spawn } from 'node:child_process';
import { DEMO_PASSWORD } from '../../directory/directory.js';
import { startLab } from '../../lab/lab.js';
import type { LogLevel } from '../../lab/logger.js';
import type { CliCommand } from '../command.js';
import { table } from '../table.js';

/** Hands the URL to the desktop's opener; says how to open it by hand when there is none. */
function openInBrowser(url: string, err: (line: string) => void): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => err(`--open: could not run ${opener}; open ${url} in your browser`));
  child.unref();
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export const upCommand: CliCommand = {
  name: 'up',
  summary: 'start the lab in the foreground (Ctrl-C stops it cleanly)',
  usage: ['wirelab up [--config FILE] [--data DIR] [--port-offset N] [--log-level info] [--open] [--tls-key-log FILE]'],
  options: {
    'log-level': { type: 'string', help: `how much to log on stderr: ${LOG_LEVELS.join(', ')} (default info)` },
    open: { type: 'boolean', help: 'open the console in the web browser once the lab is up' },
    'tls-key-log': { type: 'string', help: 'append the secrets of every TLS session to FILE (the SSLKEYLOGFILE format), so Wireshark can decrypt a capture' },
  },
  async run({ values }, ctx) {
    const level = (values['log-level'] as LogLevel | undefined) ?? 'info';
    if (!LOG_LEVELS.includes(level)) {
      ctx.err(`wirelab up: --log-level ${String(level)} is not one of ${LOG_LEVELS.join(', ')}`);
      return 2;
    }
    const tlsKeyLogFile = values['tls-key-log'] as string | undefined;
    const lab = await startLab({ config: ctx.config, dataDir: ctx.dataDir.root, portOffset: ctx.portOffset, logLevel: level, tlsKeyLogFile });

    // Listen for signals before saying we are up, so a stop sent right after the banner is never missed.
    const stopRequested = new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        ctx.out(`\n${signal}: stopping — letting conversations in flight finish…`);
        resolve();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    ctx.out(`wirelab is up — data in ${lab.dataDir.root}${ctx.configPath ? `, config ${ctx.configPath}` : ' (built-in demo config)'}`);
    ctx.out('');
    const rows = lab.services.map((s) => [
      s.name,
      s.host,
      s.endpoints.map((e) => `${e.address}:${e.port}/${e.transport}${e.tls ? '+tls' : ''}`).join(' '),
      s.summary,
    ]);
    for (const line of table(['SERVICE', 'HOST', 'LISTENING', 'WHAT'], rows)) ctx.out(`  ${line}`);
    const demoUsers = ctx.config.users.filter((u) => u.password === DEMO_PASSWORD).map((u) => u.address);
    ctx.out('');
    if (demoUsers.length > 0) ctx.out(`Demo accounts (password "${DEMO_PASSWORD}"): ${demoUsers.join(', ')}`);
    const smtp = lab.services.find((s) => s.kind === 'smtp');
    if (smtp?.endpoints[0]) {
      const e = smtp.endpoints[0];
      ctx.out(`Try: swaks --server ${e.address}:${e.port} --to user2@st.um   or   telnet ${e.address} ${e.port}`);
    }
    const consoleEndpoint = lab.services.find((s) => s.kind === 'console')?.endpoints[0];
    const consoleUrl = consoleEndpoint ? `http://${consoleEndpoint.address}:${consoleEndpoint.port}/` : undefined;
    if (consoleUrl) ctx.out(`Console (every conversation, live): ${consoleUrl}`);
    if (tlsKeyLogFile) ctx.out(`TLS key log: ${tlsKeyLogFile} (Wireshark: Preferences › Protocols › TLS › (Pre)-Master-Secret log filename; tshark: -o tls.keylog_file:${tlsKeyLogFile})`);
    if (values.open) {
      if (consoleUrl) openInBrowser(consoleUrl, ctx.err);
      else ctx.err('--open: the console service is not enabled in this config');
    }
    const sameLab = `${ctx.configPath ? ` --config ${ctx.configPath}` : ''}${values.data ? ` --data ${String(values.data)}` : ''}`;
    ctx.out(`Watch every conversation: wirelab trace${sameLab}    Check every service: wirelab test${sameLab}`);
    ctx.out('Press Ctrl-C to stop.');

    await stopRequested;
    await lab.stop();
    ctx.out('wirelab stopped.');
    return 0;
  },
};
