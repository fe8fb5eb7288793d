import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Records a test adds to st.um from a zone file: a big RRset (for truncation), a wildcard, a null MX domain. */
export const EXTRA_ST_UM = `; extra records for st.um, in BIND's format
$ORIGIN st.um.
$TTL 3600
big     IN  A  10.0.0.1
${Array.from({ length: 39 }, (_, i) => `        IN  A  10.0.0.${i + 2}`).join('\n')}
*.wild  IN  TXT "wildcard"
nomail  IN  A   127.0.0.1
        IN  MX  0 .
alias   IN  CNAME www     ; a chain: alias -> www -> st.um
caa     IN  CAA 0 issue "st.um"
`;

export async function writeExtraZone(text = EXTRA_ST_UM): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-zone-'));
  const file = join(dir, 'extra-st.um.zone');
  await writeFile(file, text);
  return { dir, file };
}
