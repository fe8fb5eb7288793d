import type { FolderView, MessageInfo } from '../store/index.js';
import { bad } from './errors.js';
import type { SequenceSet } from './protocol/sequence-set.js';
import { atom, encodeLine, type ImapValue } from './protocol/serializer.js';

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/** A message a command works on, numbered as this session sees it. */
export interface MessageRef {
  seq: number;
  info: MessageInfo;
}

/** The selected mailbox of one session: its view of the folder, and the untagged responses that keep the client in step. */
export class SelectedFolder {
  constructor(readonly view: FolderView) {}

  /**
   * The messages a sequence set names. Message numbers past EXISTS are an error (RFC 3501 §9
   * seq-number); UIDs that do not exist are simply skipped (§6.4.8).
   */
  resolve(set: SequenceSet, byUid: boolean): MessageRef[] {
    const messages = this.view.messages();
    if (byUid) {
      const maxUid = messages.length > 0 ? messages[messages.length - 1]!.uid : 0;
      const out: MessageRef[] = [];
      messages.forEach((info, i) => {
        if (set.has(info.uid, maxUid)) out.push({ seq: i + 1, info });
      });
      return out;
    }
    if (set.largestNumber() > messages.length) {
      throw bad(`No message ${set.largestNumber()}: the mailbox has ${messages.length} (use UID commands for UIDs)`);
    }
    const out: MessageRef[] = [];
    messages.forEach((info, i) => {
      if (set.has(i + 1, messages.length)) out.push({ seq: i + 1, info });
    });
    return out;
  }

  /** The flags of a message as FETCH shows them: stored flags plus \Recent when this session holds it. */
  flagsOf(info: MessageInfo): ImapValue[] {
    const flags: ImapValue[] = info.flags.map((f) => atom(f));
    if (this.view.isRecent(info.uid)) flags.push(atom('\\Recent'));
    return flags;
  }

  /** `* FLAGS (…)` and `* OK [PERMANENTFLAGS (…)]`, as SELECT sends them and again when keywords are added. */
  flagLines(): Buffer[] {
    const all = [...SYSTEM_FLAGS, ...this.view.keywords];
    const flags = `(${all.join(' ')})`;
    const permanent = this.view.readOnly ? '()' : `(${[...all, ...(this.view.canCreateKeywords ? ['\\*'] : [])].join(' ')})`;
    const text = this.view.readOnly ? 'Read-only mailbox.' : 'Flags permitted.';
    return [Buffer.from(`* FLAGS ${flags}\r\n`), Buffer.from(`* OK [PERMANENTFLAGS ${permanent}] ${text}\r\n`)];
  }

  /**
   * Syncs the view and returns the untagged responses for what others changed (RFC 3501 §7.3, §7.4):
   * EXPUNGE first (unless held back during FETCH, STORE and SEARCH), new keywords, EXISTS, RECENT, then
   * FETCH FLAGS for flag changes.
   */
  async changes(options: { expunge: boolean }): Promise<Buffer[]> {
    const update = await this.view.sync({ expunge: options.expunge });
    const out: Buffer[] = update.expunged.sequences.map((seq) => Buffer.from(`* ${seq} EXPUNGE\r\n`));
    if (update.keywords) out.push(...this.flagLines());
    if (update.exists !== undefined) out.push(Buffer.from(`* ${update.exists} EXISTS\r\n`));
    if (update.recent !== undefined) out.push(Buffer.from(`* ${update.recent} RECENT\r\n`));
    for (const { seq, message } of update.flagChanges) {
      out.push(encodeLine(`* ${seq} FETCH`, [[atom('UID'), message.uid, atom('FLAGS'), this.flagsOf(message)]]));
    }
    return out;
  }
}
