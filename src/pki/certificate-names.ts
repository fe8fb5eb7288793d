import { isIP } from 'node:net';
import type { HostConfig } from '../lab/config.js';

/** What a certificate is for: its subject common name and the names clients check (SANs). */
export interface CertificateNames {
  commonName: string;
  dns: string[];
  ips: string[];
}

/**
 * Every name a client may use to reach a host: its name and aliases (also the CN, because mbsync and
 * fetchmail match DNS names only), its address, and on 127.0.0.1 also localhost and ::1.
 */
export function hostCertificateNames(host: HostConfig): CertificateNames {
  const onLocalhost = host.address === '127.0.0.1';
  return {
    commonName: host.name.toLowerCase(),
    dns: unique([host.name, ...host.aliases, ...(onLocalhost ? ['localhost'] : [])].map((n) => n.toLowerCase())),
    ips: unique([host.address, ...(onLocalhost ? ['::1'] : [])].map(canonicalIp)),
  };
}

/** Sorts `--san` values (`mail.example`, `10.0.0.1`, `DNS:x`, `IP:y`) into DNS names and addresses. */
export function namesFromList(commonName: string, sans: string[]): CertificateNames {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const entry of [commonName, ...sans]) {
    const [, prefix, value = entry] = /^(dns|ip):(.*)$/i.exec(entry) ?? [];
    const kind = prefix?.toLowerCase() ?? (isIP(value) ? 'ip' : 'dns');
    if (kind === 'ip') {
      if (!isIP(value)) throw new Error(`${entry} is not an IP address`);
      ips.push(canonicalIp(value));
    } else {
      if (!isDnsName(value)) throw new Error(`${entry} is not a DNS name (letters, digits, hyphens and dots; a leading "*." is allowed)`);
      dns.push(value.toLowerCase());
    }
  }
  return { commonName, dns: unique(dns), ips: unique(ips) };
}

export function isDnsName(value: string): boolean {
  return /^(\*\.)?(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value);
}

/** One spelling per address (`::0001` and `::1` are the same SAN), so sets of names compare exactly. */
export function canonicalIp(address: string): string {
  return isIP(address) === 6 ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
}

/** Whether two sets of names are the same, order aside. */
export function sameNames(a: CertificateNames, b: CertificateNames): boolean {
  const key = (n: CertificateNames): string => [n.commonName, [...n.dns].sort().join(','), [...n.ips].sort().join(',')].join('|');
  return key(a) === key(b);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
