import { readdir, readFile } from 'node:fs/promises';

/** Linux reports process times in USER_HZ ticks, 100 a second on every architecture it runs on. */
const TICKS_PER_SECOND = 100;

/**
 * The fields of /proc/<pid>/stat after the parenthesised command name (which may hold spaces), so
 * index 0 is field 3 (state) of proc(5); undefined once the process is gone.
 */
async function statFields(pid: number): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A process and all its descendants alive now (a multi-process server such as Postfix). */
export async function processTree(rootPid: number): Promise<number[]> {
  const parentOf = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await statFields(Number(entry));
    if (fields) parentOf.set(Number(entry), Number(fields[1])); // field 4: ppid
  }
  const tree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parentOf) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/**
 * CPU time (user + system, every thread) used so far by a process and its descendants, in seconds:
 * the live ones' own times plus what reaped children left in their parents' cutime/cstime.
 */
export async function treeCpuSeconds(rootPid: number): Promise<number> {
  let ticks = 0;
  for (const pid of await processTree(rootPid)) {
    const fields = await statFields(pid);
    // Fields 14–17: utime, stime, cutime, cstime.
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / TICKS_PER_SECOND;
}
