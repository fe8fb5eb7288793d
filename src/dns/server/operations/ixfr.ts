import { Opcode, RrType } from '../../wire/constants.js';
import { serialNewer } from '../../zone/serial.js';
import { Rcode } from '../../rcodes.js';
import type { ResourceRecord } from '../../wire/rdata.js';
import { reply } from '../request.js';
import type { Operation } from './operation.js';
import { transferMessages, transferZone } from './transfer-messages.js';

/**
 * An incremental transfer (RFC 1995): the client sends the SOA it has. Already current: just our SOA.
 * A version we still remember: the differences (SOA new; SOA old, deleted…, SOA new, added…; SOA new).
 * Otherwise, or over UDP when out of date (the client then retries over TCP), the whole zone or the SOA.
 */
export const ixfrOperation: Operation = {
  name: 'IXFR',
  summary: 'copy what changed in a zone since the serial the client has, if allowed',
  rfc: 'RFC 1995',
  opcode: Opcode.QUERY,
  qtypes: [RrType.IXFR],
  transports: ['udp', 'tcp'],
  handle(request, deps) {
    const found = transferZone(request, deps, 'IXFR');
    if ('refused' in found) return found.refused;
    const { zone } = found;
    const clientSoa = request.message.authorities.find((r) => r.type === RrType.SOA);
    if (!clientSoa || clientSoa.data.kind !== 'SOA') return reply(request, { rcode: Rcode.FORMERR }, 'IXFR without the client\'s SOA in the authority section');
    const clientSerial = clientSoa.data.serial;
    const current = zone.soa;
    if (!serialNewer(zone.serial, clientSerial) || request.client.transport === 'udp') {
      const why = serialNewer(zone.serial, clientSerial) ? 'out of date: use TCP' : 'already current';
      return { messages: transferMessages(request, [current]), note: `IXFR ${zone.origin} from serial ${clientSerial}: ${why} (serial ${zone.serial})` };
    }
    const diffs = deps.zones.changesSince(zone.origin, clientSerial);
    if (!diffs) {
      const records = [...zone.records(), current];
      return { messages: transferMessages(request, records), note: `IXFR ${zone.origin} from serial ${clientSerial}: history unknown, whole zone (${records.length} records)` };
    }
    const records: ResourceRecord[] = [current];
    for (const diff of diffs) records.push(diff.from, ...diff.deleted, diff.to, ...diff.added);
    records.push(current);
    return { messages: transferMessages(request, records), note: `IXFR ${zone.origin} ${clientSerial} → ${zone.serial}: ${diffs.length} change set(s)` };
  },
};
