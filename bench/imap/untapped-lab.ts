/**
 * A lab process like `wirelab up`, but with the transcript store detached: how fast the IMAP engine is
 * when no conversation is recorded (the figure that isolates the tap's cost). Prints the IMAP port as
 * one JSON line once it listens; stops on SIGTERM. Used by bench/imap/main.ts, not by people.
 * Run: node dist/bench/imap/untapped-lab.js CONFIG.yaml DATA_DIR
 */
import { loadConfigFile } from '../../src/lab/config.js';
import { startLab } from '../../src/lab/lab.js';

const [configPath, dataDir] = process.argv.slice(2);
if (!configPath || !dataDir) throw new Error('usage: untapped-lab CONFIG.yaml DATA_DIR');
const lab = await startLab({ config: await loadConfigFile(configPath), dataDir, logLevel: 'warn' });
await lab.transcripts.close();
process.stdout.write(`${JSON.stringify({ port: lab.endpoint('imap').port })}\n`);
process.once('SIGTERM', () => {
  void lab.stop().then(() => process.exit(0));
});
