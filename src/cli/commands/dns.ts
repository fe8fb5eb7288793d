import { zoneFileText, zoneList } from '../../dns/zone/zone-text.js';
import { WirelabError } from '../../lab/errors.js';
import type { CliCommand } from '../command.js';

export const dnsCommand: CliCommand = {
  name: 'dns',
  summary: 'show the lab\'s DNS zones, or print one as a BIND zone file',
  usage: ['wirelab dns zones              (every zone, and who serves it)', 'wirelab dns zone st.um          (the zone file: SOA, NS, A, CNAME, MX, SRV, TXT)'],
  async run({ positionals }, ctx) {
    const [action, name, extra] = positionals;
    if (action === 'zones' && name === undefined) {
      for (const line of zoneList(ctx.config)) ctx.out(line);
      return 0;
    }
    if (action === 'zone' && name !== undefined && extra === undefined) {
      process.stdout.write(await zoneFileText(ctx.config, ctx.dataDir, name, ctx.portOffset));
      return 0;
    }
    throw new WirelabError('BAD_ARGUMENT', 'usage: wirelab dns zones | wirelab dns zone NAME (see `wirelab help dns`)');
  },
};
