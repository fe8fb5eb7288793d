import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { HostConfig } from './config.js';

/** Whether this machine can bind the address (Linux routes all of 127/8 to lo; macOS only 127.0.0.1 unless aliased). */
export function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address, port: 0 }, () => {
      socket.close();
      resolve(true);
    });
  });
}

/** The hosts whose address this machine lacks; their services are skipped and the lab runs single-host. */
export async function unreachableHosts(hosts: HostConfig[]): Promise<HostConfig[]> {
  const checks = await Promise.all(hosts.map(async (h) => ((await canBind(h.address)) ? undefined : h)));
  return checks.filter((h): h is HostConfig => h !== undefined);
}
