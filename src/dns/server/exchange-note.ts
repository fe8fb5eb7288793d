import type { TapConversation } from '../../net/tap.js';
import { describeHeader } from './engine.js';
import type { Reply } from './request.js';

/** The tap note of one exchange: what was asked and answered, then both headers as Wireshark shows them. */
export function noteExchange(tap: TapConversation, query: Buffer, result: Reply): void {
  const header = result.messages[0] ? describeHeader(result.messages[0]) : 'no reply';
  tap.note('message', `${result.note} [${header}${result.messages.length > 1 ? `, ${result.messages.length} messages` : ''}; query ${describeHeader(query)}]`);
}
