/**
 * The built-in demo lab: the seed's network (st.um, its secondary ns2, and the relay domain um.es) on loopback.
 * `wirelab init` writes this text as it is, so the comments are the documentation of the config file.
 */
export const DEMO_CONFIG_YAML = `# wirelab lab configuration — the seed's "server for dummies" network, on loopback.
# Every key is checked at start; a wrong value stops the lab with a message naming the key.

# Added to every standard port (SMTP 25 -> 10025). Leave it out and the lab picks 0 when it may bind
# ports below 1024 (root) and 10000 otherwise. \`wirelab up --port-offset N\` overrides it.
# portOffset: 10000

# Where the lab keeps mail, queue, users, certificates and transcripts (\`--data DIR\` overrides it).
# dataDir: ./wirelab-data

domains:
  - name: st.um            # the seed's DOMAIN
    mailHost: st.um        # whose SMTP server delivers st.um's mail into mailboxes
    nameServers: [st.um, ns2.st.um]   # primary (ns1) and secondary (ns2)
  - name: um.es            # the seed's relay domain, with its own DNS and mail host
    mailHost: um.es
    nameServers: [um.es]

# Linux routes all of 127.0.0.0/8 to loopback, so each host gets its own address.
hosts:
  - name: st.um
    address: 127.0.0.1
    aliases: [ns1.st.um, mail.st.um, smtp.st.um, pop3.st.um, imap.st.um, ldap.st.um, www.st.um, www1.st.um, www2.st.um, www3.st.um]
  - name: ns2.st.um        # the secondary DNS and the backup MX
    address: 127.0.0.2
    aliases: [mail2.st.um]
  - name: um.es
    address: 127.0.0.3
    aliases: [ns1.um.es, mail.um.es]

# DNS: each domain's zone is generated from the hosts above (the seed's db.st.um: SOA, NS ns1/ns2,
# A for hosts and name servers, CNAME for the other aliases, MX 10 mail / MX 20 mail2, RFC 6186 SRV,
# SPF) plus the reverse zone; \`wirelab dns zone st.um\` prints it. The DNS service of a host in a
# domain's nameServers is its primary (the first) or a secondary.
dns:
  forwarders: []           # the seed's DNS forwarders (e.g. [9.9.9.9] or [127.0.0.53#53]), asked for names outside the lab
  # allowRecursion: [127.0.0.0/8]   # who may ask for names outside the lab; default: mail.localNetworks + the lab hosts
  # allowTransfer: [127.0.0.2]      # the seed's allow-transfer; default: the zones' name servers
  # alsoNotify: [127.0.0.9#5300]    # outside secondaries (a BIND ns) told by NOTIFY when a zone changes
  # soa: { ttl: 604800, refresh: 604800, retry: 86400, expire: 2419200, negativeTtl: 604800 }   # the seed's timers
  # zones:                          # BIND-format zone files, and zones copied from primaries outside the lab
  #   - { name: st.um, file: extra-st.um.zone }          # adds records to the generated st.um zone
  #   - { name: example.test, file: example.test.zone }  # another zone, served by st.um's name servers
  #   - { name: bind.test, primaries: ['127.0.0.9#5300'], servedBy: [ns2.st.um] }   # the lab as a secondary
  # tapExchangesPerSecond: 500      # UDP exchanges recorded on the wire tap each second; a flood beyond is only counted

mail:
  localNetworks: [127.0.0.1/32]   # the seed's LOCAL_NETWORK: clients here may relay
  relayDomains: [um.es]           # the seed's RELAY_DOMAINS: accepted and passed on
  maxMessageBytes: 36700160       # 35 MiB, advertised in EHLO as SIZE
  maxRecipients: 100
  # Lets clients on loopback log in without TLS, so students can watch the clear-text password
  # in the transcript. Turn it off to require STARTTLS first, as a production server would.
  allowPlaintextAuth: true
  # The delivery agents (services of kind delivery) send queued mail on to other domains: MX lookup in
  # the lab DNS, the MX hosts in preference order (mail2 when mail is down), STARTTLS verified by the
  # lab CA, retries like Postfix's (5, 10, 20, 40 min, then every 66 min), a bounce (DSN) after 5 days.
  queue:
    clockSpeed: 1          # the lab clock: 7200 makes the 5 days pass in a minute, to watch retries and the give-up
    # minRetry: 5m         # first retry (Postfix's minimal_backoff_time), doubling up to...
    # maxRetry: 4000s      # ...the longest wait between tries (maximal_backoff_time)
    # lifetime: 5d         # then bounce to the sender (maximal_queue_lifetime)
    # delayWarning: 4h     # "still trying" notice to the sender; 0 = never
    # concurrency: 10      # connections each agent opens to one destination at once
    # maxHops: 50          # more Received headers than this is a mail loop: bounced
    # smarthost: { host: um.es, port: 587, tls: starttls, user: user3@um.es, password: password }   # the seed's dc_smarthost

# The lab's certificate authority (the seed's openssl.cnf): made on first start under the data
# directory (pki/), it signs a certificate for every host with all its names, used by every TLS
# service. Give clients the CA to trust: \`wirelab certs export-ca ca.pem\`. Defaults:
# pki:
#   organization: UMU
#   unit: ST
#   country: ES
#   caName: st.um lab CA
#   keyAlgorithm: ecdsa-p256     # or rsa-3072
#   certificateDays: 397         # renewed once two thirds of it have passed

# Demo accounts, created in the directory on first start (passwords are stored only as scrypt hashes).
# While any account still has a demo password, the lab refuses to listen beyond loopback.
users:
  - { address: user1@st.um, password: password }
  - { address: user2@st.um, password: password }
  - { address: user3@um.es, password: password }

# Each service: the host it runs on, and optionally \`port\` (without it: standard port + offset)
# and \`enabled: false\`. \`kind\` defaults to the key.
services:
  dns:        { host: st.um }                  # 53 UDP+TCP, ns1: primary of st.um and the reverse zone
  dns-ns2:    { host: ns2.st.um, kind: dns }   # 53 on 127.0.0.2, ns2: secondary of st.um (AXFR + NOTIFY)
  dns-umes:   { host: um.es, kind: dns }       # 53 on 127.0.0.3, primary of um.es
  smtp:       { host: st.um }                  # 25, mail from anyone to the lab's domains
  submission: { host: st.um }                  # 587, mail from the lab's users, AUTH required
  smtps:      { host: st.um }                  # 465, submission inside TLS from the first byte (RFC 8314)
  console:    { host: st.um }                  # 8025, the live wire tap and JSON API (wirelab trace reads it)
  imap:       { host: st.um }                  # 143, read mail on the server: folders, flags, IDLE, STARTTLS
  imaps:      { host: st.um }                  # 993, IMAP inside TLS from the first byte
  pop3:       { host: st.um }                  # 110, download mail (the seed's Dovecot POP3), STLS
  pop3s:      { host: st.um }                  # 995, POP3 inside TLS from the first byte
  delivery:   { host: st.um }                  # no port: sends st.um's queued mail on to other domains (by MX)
  smtp-mx2:   { host: ns2.st.um, kind: smtp }  # 25 on 127.0.0.2, mail2.st.um: the backup MX (MX 20), queues st.um's mail for mail.st.um
  delivery-mx2: { host: ns2.st.um, kind: delivery }   # passes what mail2 queued on to mail.st.um once it answers
  smtp-umes:  { host: um.es, kind: smtp }      # 25 on 127.0.0.3, mail.um.es: um.es's own mail server
  submission-umes: { host: um.es, kind: submission }   # 587 on 127.0.0.3, for user3@um.es
  delivery-umes: { host: um.es, kind: delivery }      # sends um.es's outgoing mail (to st.um, by MX)
`;
