import { Opcode, RrType } from '../../wire/constants.js';
import type { Operation } from './operation.js';
import { transferMessages, transferZone } from './transfer-messages.js';

/** A full zone transfer (RFC 5936): SOA, every record, SOA again — over TCP, to allowed clients only. */
export const axfrOperation: Operation = {
  name: 'AXFR',
  summary: 'copy a whole zone (to a secondary), if the client is in allow-transfer',
  rfc: 'RFC 5936',
  opcode: Opcode.QUERY,
  qtypes: [RrType.AXFR],
  transports: ['tcp'],
  handle(request, deps) {
    const found = transferZone(request, deps, 'AXFR');
    if ('refused' in found) return found.refused;
    const { zone } = found;
    const records = [...zone.records(), zone.soa];
    return { messages: transferMessages(request, records), note: `AXFR ${zone.origin} serial ${zone.serial}: ${records.length} records` };
  },
};
