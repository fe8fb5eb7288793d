import { LineReader, openSocket, parseTranscript } from '../../helpers/transcript.js';

function matches(pattern: string, line: string): boolean {
  const source = pattern
    .split('*')
    .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(line);
}

/**
 * Plays an IMAP conversation written in the students' telnet form (`C:` typed, `S:` expected, where a
 * lone `*` inside an `S:` line stands for anything — the `* ` that starts untagged lines is literal).
 * Every `S:` line is one line the server sends, literal content included. Returns the mismatches.
 */
export async function playImap(port: number, transcript: string): Promise<string[]> {
  const steps = parseTranscript(transcript);
  const socket = await openSocket(port);
  const reader = new LineReader(socket);
  const problems: string[] = [];
  try {
    let i = 0;
    while (i < steps.length && problems.length === 0) {
      const step = steps[i]!;
      if (step.from === 'C') {
        socket.write(`${step.text}\r\n`);
      } else {
        const line = (await reader.line(10_000).catch(() => undefined)) ?? '(nothing within 10 s, or the connection closed)';
        const pattern = step.text.startsWith('* ') ? `\u0000${step.text.slice(2)}` : step.text;
        const subject = line.startsWith('* ') ? `\u0000${line.slice(2)}` : line;
        if (!matches(pattern, subject)) problems.push(`line ${i + 1}: expected ${JSON.stringify(step.text)}, got ${JSON.stringify(line)}`);
      }
      i += 1;
    }
  } finally {
    socket.destroy();
  }
  return problems;
}
