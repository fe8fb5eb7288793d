import { CATALOGUES, listCatalogue } from '../explain/index.js';
import { get, HttpProblem, sendJson, type RouteFactory } from '../http-json.js';

/** The explanation catalogue: every command and reply code the console can explain, per protocol. */
export const explainRoutes: RouteFactory = () => [
  get(/^\/api\/explain$/, (_req, res) => sendJson(res, 200, CATALOGUES.map(listCatalogue))),
  get(/^\/api\/explain\/([a-z0-9-]+)$/, (_req, res, _url, [protocol]) => {
    const catalogue = CATALOGUES.find((c) => c.protocol === protocol || c.kinds.includes(protocol!));
    if (!catalogue) throw new HttpProblem(404, `no catalogue for ${protocol}; there are ${CATALOGUES.map((c) => c.protocol).join(', ')}`);
    sendJson(res, 200, listCatalogue(catalogue));
  }),
];
