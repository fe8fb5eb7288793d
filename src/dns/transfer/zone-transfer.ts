import { exchangeTcp, buildQuery, DnsClientError } from '../client.js';
import { Rcode, rcodeName } from '../rcodes.js';
import { RrClass, RrType } from '../wire/constants.js';
import type { ResourceRecord } from '../wire/rdata.js';
import type { ServerAddress } from '../zone/zone-plan.js';

/**
 * Copies a zone with AXFR over TCP (RFC 5936), from the server's own address: the stream starts with the
 * SOA and ends when the SOA comes again. Returns the records, SOA first, the closing SOA dropped.
 */
export async function pullZone(primary: ServerAddress, origin: string, localAddress: string, timeoutMs = 15_000): Promise<ResourceRecord[]> {
  const request = buildQuery({ name: origin, type: RrType.AXFR, class: RrClass.IN });
  delete request.edns;
  const records: ResourceRecord[] = [];
  let soaCount = 0;
  await exchangeTcp(primary, request, { localAddress, timeoutMs }, (reply) => {
    if (reply.rcode !== Rcode.NOERROR) throw new DnsClientError(primary, `AXFR ${origin} refused: ${rcodeName(reply.rcode)}`);
    for (const rr of reply.answers) {
      if (rr.type === RrType.SOA) soaCount += 1;
      if (records.length === 0 && rr.type !== RrType.SOA) throw new DnsClientError(primary, `AXFR ${origin} did not start with the SOA`);
      if (soaCount === 2 && rr.type === RrType.SOA) return true;
      if (rr.class === RrClass.IN) records.push(rr);
    }
    if (reply.answers.length === 0) throw new DnsClientError(primary, `AXFR ${origin}: an empty message before the closing SOA`);
    return false;
  });
  return records;
}
