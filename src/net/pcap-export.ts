import type { Conversation } from './transcripts.js';
import { conversationFrames } from './pcap-flows.js';
import { pcapngFile, type CaptureFrame } from './pcapng.js';
import type { OpenEvent } from './tap-events.js';

export interface CaptureOptions {
  /** The server port to write for a conversation; default its real port. */
  serverPort?(open: OpenEvent): number | undefined;
}

/**
 * The conversations as one pcapng file: their frames interleaved in time order, the way a capture of
 * the loopback interface would have them, with comments saying what was synthesized.
 */
export function captureFile(conversations: readonly Conversation[], options: CaptureOptions = {}): Buffer {
  const frames: CaptureFrame[] = [];
  for (const conv of conversations) {
    // A lab server's own outgoing exchange logged before its socket had a port: no real endpoint to write.
    if (conv.open.client.port === 0 || conv.open.server.port === 0) continue;
    const serverPort = options.serverPort?.(conv.open);
    frames.push(...conversationFrames(conv.events, serverPort === undefined ? {} : { serverPort }));
  }
  // A stable sort keeps each conversation's frames in their order when timestamps tie.
  frames.sort((a, b) => a.timestampUs - b.timestampUs);
  const comment =
    `wirelab capture of ${conversations.length} conversation(s), synthesized from the wire tap: real endpoints and bytes, ` +
    'TCP handshakes, sequence numbers and FINs reconstructed. Inside TLS the plaintext is written (see the frame comments).';
  return pcapngFile(frames, comment);
}
