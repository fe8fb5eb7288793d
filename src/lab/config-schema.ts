import { z } from 'zod';
import { isIP } from 'node:net';

const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, 'a DNS name like mail.st.um');

const ipAddress = z.string().refine((v) => isIP(v) !== 0, 'an IPv4 or IPv6 address like 127.0.0.1');

const cidr = z.string().refine((v) => {
  const [addr, bits, extra] = v.split('/');
  if (extra !== undefined || addr === undefined || isIP(addr) === 0) return false;
  if (bits === undefined) return true;
  const max = isIP(addr) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
}, 'an address or network like 127.0.0.1/32 or 192.168.1.0/24');

const port = z.number().int().min(0).max(65535);

export const hostSchema = z
  .object({
    name: hostName,
    address: ipAddress,
    aliases: z.array(hostName).default([]),
  })
  .strict();

export const domainSchema = z
  .object({
    name: hostName,
    /** The host whose SMTP server delivers this domain's mail into local mailboxes. */
    mailHost: hostName,
    /** The hosts that serve the domain's DNS zone, the first being the primary. */
    nameServers: z.array(hostName).default([]),
  })
  .strict();

export const userSchema = z
  .object({
    address: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'a mail address like user1@st.um'),
    password: z.string().min(1),
  })
  .strict();

export const serviceSchema = z
  .object({
    /** The protocol; defaults to the service's key in the `services` map. */
    kind: z.string().optional(),
    enabled: z.boolean().default(true),
    host: hostName,
    /** The port to listen on; without it, the kind's standard port plus the lab's port offset. 0 picks a free port. */
    port: port.optional(),
  })
  .strict();

/** A duration as Postfix writes it (`300s`, `5m`, `4h`, `5d`, `1w`) or a number of seconds. */
const duration = z.union(
  [
    z.number().int().min(0),
    z
      .string()
      .regex(/^\d+[smhdw]$/)
      .transform((text) => Number(text.slice(0, -1)) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[text.slice(-1) as 's' | 'm' | 'h' | 'd' | 'w']),
  ],
  { errorMap: () => ({ message: 'a duration like 300s, 5m, 4h or 5d, or a whole number of seconds' }) },
);

/** The seed's dc_smarthost: mail for other domains goes through this host instead of their MX. */
export const smarthostSchema = z
  .object({
    /** A lab host name (its port is then wherever the lab runs that SMTP service), another name, or an address. */
    host: z.union([hostName, ipAddress]),
    /** 587 submission (STARTTLS), 465 (implicit TLS) or 25. */
    port: port.default(587),
    /** `starttls`: required before AUTH and mail; `implicit`: TLS from the first byte (465); `opportunistic`: when offered. */
    tls: z.enum(['starttls', 'implicit', 'opportunistic']).default('starttls'),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => (s.user === undefined) === (s.password === undefined), 'give both user and password, or neither');

/**
 * The delivery agents' schedule, like Postfix's qmgr: retry after minRetry, doubling up to maxRetry,
 * give up after lifetime. `clockSpeed` is the lab clock: queue time runs that many times faster.
 */
export const mailQueueSchema = z
  .object({
    /** The lab clock: 1 is real time; 7200 makes the 5-day lifetime pass in a minute. */
    clockSpeed: z.number().min(1).max(100_000_000).default(1),
    /** The first retry after a temporary failure (Postfix's minimal_backoff_time). */
    minRetry: duration.default(300),
    /** The longest wait between tries once the doubling reaches it (Postfix's maximal_backoff_time). */
    maxRetry: duration.default(4000),
    /** Give up and bounce a message this old (Postfix's maximal_queue_lifetime). */
    lifetime: duration.default(432000),
    /** Tell the sender their message is still waiting after this long; 0 never (Postfix's delay_warning_time). */
    delayWarning: duration.default(14400),
    /** Connections each delivery agent opens to one destination at once (Postfix's default_destination_concurrency_limit). */
    concurrency: z.number().int().min(1).max(1000).default(10),
    /** More Received headers than this and the message is bounced as a mail loop (Postfix's hopcount_limit). */
    maxHops: z.number().int().min(1).max(1000).default(50),
    /** How long to wait for a remote server to accept the connection (Postfix's smtp_connect_timeout). */
    connectTimeout: duration.default(30),
    smarthost: smarthostSchema.optional(),
  })
  .strict()
  .refine((q) => q.minRetry >= 1 && q.maxRetry >= q.minRetry, 'minRetry must be at least 1s and maxRetry at least minRetry')
  .refine((q) => q.lifetime >= 1 && q.connectTimeout >= 1, 'lifetime and connectTimeout must be at least 1s');

export const mailSchema = z
  .object({
    /** Clients in these networks may relay (the seed's LOCAL_NETWORK). */
    localNetworks: z.array(cidr).default(['127.0.0.1/32']),
    /** Foreign domains this lab accepts mail for and passes on (the seed's RELAY_DOMAINS). */
    relayDomains: z.array(hostName).default([]),
    maxMessageBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(36700160),
    maxRecipients: z.number().int().min(1).max(100000).default(100),
    /** Educational switch: allow AUTH/LOGIN/USER-PASS without TLS for clients on loopback, so the clear-text password can be watched. */
    allowPlaintextAuth: z.boolean().default(true),
    /** An SMTP client silent this long is told 421 and disconnected (RFC 5321 §4.5.3.2 suggests 5 minutes). */
    idleTimeoutSeconds: z.number().int().min(1).max(3600).default(300),
    /** How the delivery agents work the outbound queue: retries, give-up, bounces, smarthost. */
    queue: mailQueueSchema.default({}),
  })
  .strict();

/** The lab certificate authority (the seed's openssl.cnf defaults: C=ES, O=UMU, OU=ST). */
export const pkiSchema = z
  .object({
    organization: z.string().min(1).max(64).default('UMU'),
    unit: z.string().min(1).max(64).default('ST'),
    country: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code like ES').default('ES'),
    /** The CA certificate's common name; default "<first domain> lab CA". */
    caName: z.string().min(1).max(64).optional(),
    /** Key type of the CA and of the certificates it issues. */
    keyAlgorithm: z.enum(['ecdsa-p256', 'rsa-3072']).default('ecdsa-p256'),
    /** Lifetime of a service certificate; it is renewed once two thirds of it have passed. */
    certificateDays: z.number().int().min(3).max(397).default(397),
  })
  .strict();

/** A DNS server to talk to: `127.0.0.1`, or with a port as dig writes it, `127.0.0.1#10053`. */
const dnsServer = z.string().refine((v) => {
  const [addr, port, extra] = v.split('#');
  return extra === undefined && addr !== undefined && isIP(addr) !== 0 && (port === undefined || (/^\d+$/.test(port) && Number(port) <= 65535));
}, 'an address, optionally with a port after #, like 127.0.0.1 or 127.0.0.1#10053');

const seconds = z.number().int().min(1).max(2147483647);

export const dnsZoneSchema = z
  .object({
    /** The zone's name, e.g. example.test (or a lab domain, to add records to its generated zone). */
    name: hostName,
    /** A BIND-format zone file (relative to the working directory): this lab is the zone's primary. */
    file: z.string().min(1).optional(),
    /** The zone's primary servers outside the lab: the lab's hosts in `servedBy` are its secondaries. */
    primaries: z.array(dnsServer).min(1).optional(),
    /** The hosts whose DNS service serves the zone (for a file zone, the first is the primary); default: the first domain's name servers. */
    servedBy: z.array(hostName).min(1).optional(),
  })
  .strict()
  .refine((zone) => (zone.file === undefined) !== (zone.primaries === undefined), 'give either file (this lab is the primary) or primaries (the lab is a secondary), not both');

export const dnsSchema = z
  .object({
    /** The seed's forwarders: asked for names outside the lab's zones, on behalf of clients allowed to recurse. */
    forwarders: z.array(dnsServer).default([]),
    /** Clients that may ask for names outside the lab's zones; default: mail.localNetworks and the lab's host addresses. Others get REFUSED. */
    allowRecursion: z.array(cidr).optional(),
    /** The seed's allow-transfer: who may copy a zone with AXFR/IXFR; default: the zone's name servers' addresses. */
    allowTransfer: z.array(cidr).optional(),
    /** Servers outside the lab told by NOTIFY when a zone changes (a BIND secondary), besides the zones' own secondaries. */
    alsoNotify: z.array(dnsServer).default([]),
    /** The generated zones' SOA timers and default TTL, in seconds; defaults are the seed's db.st.um. */
    soa: z
      .object({
        ttl: seconds.default(604800),
        refresh: seconds.default(604800),
        retry: seconds.default(86400),
        expire: seconds.default(2419200),
        negativeTtl: seconds.default(604800),
      })
      .strict()
      .default({}),
    /** Extra zones and records from zone files, and zones the lab copies from primaries outside it. */
    zones: z.array(dnsZoneSchema).default([]),
    /** UDP exchanges recorded on the wire tap per second; beyond it (a flood, a benchmark) they are only counted. */
    tapExchangesPerSecond: z.number().int().min(1).max(10_000_000).default(500),
  })
  .strict();

export const labSchema = z
  .object({
    /** Added to every standard port (25 → 10025). Omit to let the lab choose: 0 when it may bind low ports, 10000 otherwise. */
    portOffset: z.number().int().min(0).max(60000).optional(),
    dataDir: z.string().min(1).optional(),
    domains: z.array(domainSchema).min(1),
    hosts: z.array(hostSchema).min(1),
    dns: dnsSchema.default({}),
    mail: mailSchema.default({}),
    pki: pkiSchema.default({}),
    users: z.array(userSchema).default([]),
    services: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name like smtp'), serviceSchema).default({}),
    tap: z
      .object({
        /** Conversations kept in memory for the console and `wirelab trace`. */
        maxConversations: z.number().int().min(10).max(1000000).default(2000),
        /** Bytes of each conversation kept in memory; the rest is counted, not kept. */
        maxBytesPerConversation: z.number().int().min(1024).max(64 * 1024 * 1024).default(256 * 1024),
        /** Bytes of all conversations together; past it the oldest are forgotten first. */
        maxBytes: z.number().int().min(1024 * 1024).max(4 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
      })
      .strict()
      .default({}),
  })
  .strict();

export type HostConfig = z.infer<typeof hostSchema>;
export type DomainConfig = z.infer<typeof domainSchema>;
export type UserConfig = z.infer<typeof userSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type MailConfig = z.infer<typeof mailSchema>;
export type MailQueueConfig = z.infer<typeof mailQueueSchema>;
export type SmarthostConfig = z.infer<typeof smarthostSchema>;
export type DnsConfig = z.infer<typeof dnsSchema>;
export type DnsZoneConfig = z.infer<typeof dnsZoneSchema>;
export type PkiConfig = z.infer<typeof pkiSchema>;
export type LabConfig = z.infer<typeof labSchema>;
export type LabConfigInput = z.input<typeof labSchema>;
