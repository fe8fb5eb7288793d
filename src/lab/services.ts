import type { ServiceDefinition } from './service.js';


/**
 * Every kind of service the lab can run. A new protocol is a new folder exporting a
 * ServiceDefinition, and one line here.
 */
export const SERVICE_DEFINITIONS: readonly ServiceDefinition[] = [];

export function findDefinition(kind: string): ServiceDefinition | undefined {
  return SERVICE_DEFINITIONS.find((d) => d.kind === kind);
}
