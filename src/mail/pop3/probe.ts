import type { ProbeResult, ProbeTarget } from '../../lab/service.js';
import { probeLineDialogue, type ProbeStep } from '../../net/line-probe.js';

const any = (): boolean => true;
const positive = (line: string): boolean => line.startsWith('+OK');

const STEPS: ProbeStep[] = [
  { name: 'greeting', ends: any, ok: positive },
  { name: 'CAPA', send: 'CAPA', ends: any, ok: positive },
  { name: 'CAPA list', ends: (l) => l === '.', ok: any },
  { name: 'QUIT', send: 'QUIT', ends: any, ok: positive },
];

/** Waits for the +OK greeting, asks CAPA and says QUIT — the seed's "telnet host 110" check. */
export function probePop3(target: ProbeTarget, implicitTls = false): Promise<ProbeResult> {
  return probeLineDialogue(target, STEPS, implicitTls);
}
