import type { ProbeResult, ProbeTarget } from '../../lab/service.js';
import { probeLineDialogue, type ProbeStep } from '../../net/line-probe.js';

const STEPS: ProbeStep[] = [
  { name: 'greeting', ends: () => true, ok: (l) => l.startsWith('* OK') },
  { name: 'LOGOUT', send: 'p1 LOGOUT', ends: (l) => l.startsWith('p1 '), ok: (l) => l.startsWith('p1 OK') },
];

/** Waits for the "* OK" greeting, says LOGOUT and waits for its OK. */
export function probeImap(target: ProbeTarget, implicitTls = false): Promise<ProbeResult> {
  return probeLineDialogue(target, STEPS, implicitTls);
}
