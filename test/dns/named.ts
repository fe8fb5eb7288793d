import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port free for both UDP and TCP on an address (as a DNS server needs). */
export async function freePort(address: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address, port: 0 }, () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen({ host: address, port }, () => server.close(() => resolve(true)));
    });
    udp.close();
    if (tcpFree) return port;
  }
  throw new Error(`no free port on ${address}`);
}

export interface Named {
  pid: number;
  address: string;
  port: number;
  dir: string;
  /** What named said on stderr so far (its log, with -g). */
  log(): string;
  /** SIGHUP: reload the configuration and zone files (then NOTIFY the secondaries of changed zones). */
  reload(): void;
  stop(): Promise<void>;
}

/**
 * Starts BIND's named in the foreground on one address and port, in its own directory, with
 * recursion off and every query, notify and transfer sent from that address. `zones` are named.conf
 * zone statements; `files` are written into the directory first. named listens only on addresses
 * configured on an interface: on loopback that is 127.0.0.1, with a port of its own.
 */
export async function startNamed(options: { address: string; port?: number; zones: string; files?: Record<string, string> }): Promise<Named> {
  const { address } = options;
  const port = options.port ?? (await freePort(address));
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-named-'));
  for (const [name, content] of Object.entries(options.files ?? {})) await writeFile(join(dir, name), content);
  const conf = `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  listen-on port ${port} { ${address}; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify-source ${address};
  transfer-source ${address};
  query-source address ${address};
};
controls { };
${options.zones}
`;
  await writeFile(join(dir, 'named.conf'), conf);
  let output = '';
  const child: ChildProcess = spawn('named', ['-g', '-c', join(dir, 'named.conf'), '-n', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await Promise.race([
    new Promise<boolean>((resolve) => {
      const check = setInterval(() => {
        if (/^\S+ \S+ running$/m.test(output)) {
          clearInterval(check);
          resolve(true);
        }
      }, 50);
      void exited.then(() => {
        clearInterval(check);
        resolve(false);
      });
    }),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000)),
  ]);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  if (!started) {
    await stop();
    throw new Error(`named did not start:\n${output}`);
  }
  return { pid: child.pid as number, address, port, dir, log: () => output, reload: () => child.kill('SIGHUP'), stop };
}
