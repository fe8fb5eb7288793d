import { readFile } from 'node:fs/promises';
import type { LabConfigInput } from '../../src/lab/config.js';
import { PkiPaths } from '../../src/pki/pki-paths.js';
import type { TlsEvent } from '../../src/net/tap.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';

export interface TlsLab {
  lab: TestLab;
  /** The lab CA, as `wirelab certs export-ca` writes it. */
  caFile: string;
  ca: string;
  port(service: string): number;
}

/** The demo lab with every mail service whose kind is registered, on free ports. */
export async function startTlsLab(services: string[], edit?: (config: LabConfigInput) => void): Promise<TlsLab> {
  const lab = await startTestLab({
    edit: (config) => {
      config.services = Object.fromEntries(services.map((name) => [name, { host: 'st.um' }]));
      edit?.(config);
    },
  });
  const caFile = new PkiPaths(lab.dataDir).caCert;
  return { lab, caFile, ca: await readFile(caFile, 'utf8'), port: (service) => lab.endpoint(service).port };
}

/** The TLS events the tap recorded for conversations of a service. */
export function tlsEvents(lab: TestLab, service: string): TlsEvent[] {
  return lab.transcripts
    .list()
    .filter((c) => c.open.service === service)
    .flatMap((c) => c.events.filter((e): e is TlsEvent => e.type === 'tls'));
}

/**
 * For implicit TLS every byte on the wire is encrypted, so the tap must record the handshake before
 * any protocol line: otherwise the eavesdropper view would show the greeting as readable. Returns the
 * conversations that break this, as "id: event kinds in order".
 */
export function dataBeforeTls(lab: TestLab, service: string): string[] {
  return lab.transcripts
    .list()
    .filter((c) => c.open.service === service)
    .filter((c) => {
      const tlsAt = c.events.findIndex((e) => e.type === 'tls');
      const firstData = c.events.findIndex((e) => e.type === 'data');
      return firstData !== -1 && (tlsAt === -1 || firstData < tlsAt);
    })
    .map((c) => `${c.open.conn}: ${c.events.map((e) => e.type).join(' ')}`);
}
