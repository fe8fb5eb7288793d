import type { Forwarder } from '../../recursion/forwarder.js';
import type { AnswerCache } from '../prepared.js';
import type { Reply, Request, Transport } from '../request.js';
import type { ZoneRegistry } from '../zone-registry.js';

/** What a secondary zone says about a NOTIFY (RFC 1996 §3.10: only the primary may announce a change). */
export type NotifyVerdict = 'accepted' | 'not-from-primary' | 'not-secondary';

/** Everything an operation may use: the served zones, the answer cache, the forwarder, the access rules. */
export interface ServerDeps {
  zones: ZoneRegistry;
  cache: AnswerCache;
  forwarder: Forwarder;
  recursionAllowed(address: string): boolean;
  transferAllowed(address: string): boolean;
  receiveNotify(origin: string, from: string): NotifyVerdict;
}

/**
 * One kind of request, described by data (STYLE "a command is a small module"): which opcode and query
 * types it takes, over which transports, what it does, where it is defined. The gate in the engine checks
 * all of that before `handle` runs.
 */
export interface Operation {
  name: string;
  summary: string;
  rfc: string;
  opcode: number;
  /** The query types it answers; absent: every type no other operation of its opcode claims. */
  qtypes?: readonly number[];
  transports: readonly Transport[];
  handle(request: Request, deps: ServerDeps): Reply | Promise<Reply>;
}
