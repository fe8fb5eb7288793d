import type { ProbeResult, ProbeTarget } from '../../lab/service.js';
import { probeLineDialogue, type ProbeStep } from '../../net/line-probe.js';

const finalReply = (line: string): boolean => /^\d{3} /.test(line);

const STEPS: ProbeStep[] = [
  { name: 'banner', ends: finalReply, ok: (l) => l.startsWith('220') },
  { name: 'EHLO', send: 'EHLO wirelab-probe', ends: finalReply, ok: (l) => l.startsWith('250') },
  { name: 'QUIT', send: 'QUIT', ends: finalReply, ok: (l) => l.startsWith('221') },
];

/** Waits for the 220 banner, says EHLO and QUIT. */
export function probeSmtp(target: ProbeTarget, implicitTls = false): Promise<ProbeResult> {
  return probeLineDialogue(target, STEPS, implicitTls);
}
