import { performance } from 'node:perf_hooks';
import { DnsClientError, query } from '../../dns/client.js';
import { RCODES, rcodeName } from '../../dns/rcodes.js';
import { className, opcodeName, RrClass, typeCode, typeName } from '../../dns/wire/constants.js';
import { fqdn } from '../../dns/wire/name.js';
import { pullZone } from '../../dns/transfer/zone-transfer.js';
import { planZones, type ZonePlan } from '../../dns/zone/zone-plan.js';
import type { PeerEndpoint } from '../../lab/service.js';
import type { DnsAnswer, ZoneInfo, ZoneListing } from '../api-types.js';
import { digLines, flagNames, recordRow } from '../dns/dig-text.js';
import { get, HttpProblem, sendJson, type RouteFactory } from '../http-json.js';

const NAME = /^(?=.{1,253}$)[A-Za-z0-9_*-]+(\.[A-Za-z0-9_-]+)*\.?$|^\.$/;

function zoneInfo(plan: ZonePlan): ZoneInfo {
  return {
    origin: plan.origin,
    source: plan.source.kind,
    ...(plan.primary ? { primary: plan.primary.name } : {}),
    secondaries: plan.secondaries.map((h) => h.name),
  };
}

/**
 * DNS: the lab's zones as tables (copied from the running primary with a real AXFR), and a query box
 * that asks the lab's DNS a real question and shows the answer the way dig does.
 */
export const dnsRoutes: RouteFactory = (ctx) => {
  const dnsServer = (name: string | null): PeerEndpoint => {
    const servers = ctx.peers({ kind: 'dns' }).filter((p) => p.transport === 'udp');
    const chosen = name ? servers.find((s) => s.name === name) : servers[0];
    if (!chosen) throw new HttpProblem(name ? 404 : 409, name ? `no running DNS service named ${name}` : 'the lab runs no DNS service');
    return chosen;
  };

  return [
    get(/^\/api\/dns\/zones$/, (_req, res) => sendJson(res, 200, planZones(ctx.config).map(zoneInfo))),
    get(/^\/api\/dns\/zones\/([^/]+)$/, async (_req, res, _url, [name]) => {
      const plan = planZones(ctx.config).find((p) => p.origin === name!.toLowerCase().replace(/\.$/, ''));
      if (!plan) throw new HttpProblem(404, `${name} is not a zone of this lab`);
      const primary = plan.primary;
      const server = primary ? ctx.peers({ kind: 'dns', address: primary.address }).find((p) => p.transport === 'tcp') : undefined;
      if (!primary || !server) throw new HttpProblem(409, `zone ${plan.origin} has no running primary in the lab to copy it from`);
      try {
        // From the primary's own address, which allow-transfer admits by default.
        const records = await pullZone(server, plan.origin, primary.address, 5000);
        const listing: ZoneListing = { ...zoneInfo(plan), server: `${server.name} ${server.address}#${server.port}`, records: records.map(recordRow) };
        sendJson(res, 200, listing);
      } catch (err) {
        if (err instanceof DnsClientError) throw new HttpProblem(502, err.message);
        throw err;
      }
    }),
    get(/^\/api\/dns\/query$/, async (_req, res, url) => {
      const name = url.searchParams.get('name') ?? '';
      if (!NAME.test(name)) throw new HttpProblem(400, `name=${name}: expected a domain name like st.um or www.st.um`);
      const typeText = url.searchParams.get('type') ?? 'A';
      const type = typeCode(typeText);
      if (type === undefined) throw new HttpProblem(400, `type=${typeText}: expected a record type like A, MX, NS, SOA, TXT, SRV, PTR, AAAA or ANY`);
      const server = dnsServer(url.searchParams.get('server'));
      const started = performance.now();
      try {
        const answer = await query({ address: server.address, port: server.port }, { name, type, class: RrClass.IN }, { recursionDesired: true, timeoutMs: 3000 });
        const rcode = rcodeName(answer.rcode);
        const explanation = (RCODES as Record<string, { name: string; meaning: string; rfc: string }>)[rcode];
        const body: DnsAnswer = {
          server: `${server.name} ${server.address}#${server.port}`,
          transport: answer.tc ? 'tcp' : 'udp',
          ms: Math.round(performance.now() - started),
          header: {
            id: answer.id,
            opcode: opcodeName(answer.opcode),
            rcode,
            flags: flagNames(answer),
            qdcount: answer.questions.length,
            ancount: answer.answers.length,
            nscount: answer.authorities.length,
            arcount: answer.additionals.length + (answer.edns ? 1 : 0),
          },
          ...(explanation ? { rcodeExplanation: { term: rcode, meaning: explanation.meaning, rfc: explanation.rfc } } : {}),
          question: answer.questions.map((q) => ({ name: fqdn(q.name), type: typeName(q.type), class: className(q.class) })),
          answer: answer.answers.map(recordRow),
          authority: answer.authorities.map(recordRow),
          additional: answer.additionals.map(recordRow),
          digText: [`; <<>> wirelab <<>> @${server.address} -p ${server.port} ${name} ${typeName(type)}`, ...digLines(answer)].join('\n'),
        };
        sendJson(res, 200, body);
      } catch (err) {
        if (err instanceof DnsClientError) throw new HttpProblem(502, err.message);
        throw err;
      }
    }),
  ];
};
