import { axfrOperation } from './axfr.js';
import { ixfrOperation } from './ixfr.js';
import { notifyOperation } from './notify.js';
import type { Operation } from './operation.js';
import { queryOperation } from './query.js';

/** Every request the server understands; the gate picks one by opcode and query type. */
export const OPERATIONS: readonly Operation[] = [axfrOperation, ixfrOperation, queryOperation, notifyOperation];

export function findOperation(opcode: number, qtype: number | undefined): Operation | undefined {
  return (
    OPERATIONS.find((op) => op.opcode === opcode && qtype !== undefined && op.qtypes?.includes(qtype)) ??
    OPERATIONS.find((op) => op.opcode === opcode && op.qtypes === undefined)
  );
}
