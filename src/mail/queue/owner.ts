import { findHost, type LabConfig } from '../../lab/config.js';
import type { QueuedEnvelope } from './outbound-queue.js';

/**
 * The lab host whose delivery agent sends a queued message on: the host that accepted it. A message
 * queued before envelopes named their host belongs to the first domain's mail host.
 */
export function ownerOf(envelope: QueuedEnvelope, config: LabConfig): string {
  if (envelope.host) return envelope.host.toLowerCase();
  const first = config.domains[0];
  return (first ? findHost(config, first.mailHost)?.name : undefined)?.toLowerCase() ?? '';
}
