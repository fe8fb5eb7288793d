import { flagList, sequenceSet } from '../args.js';
import { defineCommand, type RegisteredCommand } from '../command.js';
import { bad, no } from '../errors.js';
import { atom, encodeLine, type ImapValue } from '../protocol/serializer.js';
import type { SequenceSet } from '../protocol/sequence-set.js';
import type { Token } from '../protocol/tokens.js';
import type { FlagOperation } from '../../store/index.js';
import { SELECTED } from './states.js';
import { selectedFolder } from './user-mailbox.js';

interface StoreArgs {
  set: SequenceSet;
  operation: FlagOperation;
  silent: boolean;
  flags: string[];
}

const OPERATIONS: Record<string, FlagOperation> = { FLAGS: 'replace', '+FLAGS': 'add', '-FLAGS': 'remove' };

function parseStore(tokens: Token[]): StoreArgs {
  if (tokens.length < 3) throw bad('STORE needs messages, an item (FLAGS, +FLAGS or -FLAGS, optionally .SILENT) and flags');
  const [setToken, itemToken, ...flagTokens] = tokens as [Token, Token, ...Token[]];
  const item = itemToken.kind === 'atom' ? itemToken.value.toUpperCase() : '';
  const silent = item.endsWith('.SILENT');
  const operation = OPERATIONS[silent ? item.slice(0, -'.SILENT'.length) : item];
  if (!operation) throw bad('The item is FLAGS, +FLAGS or -FLAGS, optionally with .SILENT');
  const flags = flagTokens.length === 1 ? flagList(flagTokens[0]!) : flagList({ kind: 'list', items: flagTokens });
  return { set: sequenceSet(setToken), operation, silent, flags };
}

function storeCommand(byUid: boolean): RegisteredCommand {
  return defineCommand({
    name: byUid ? 'UID STORE' : 'STORE',
    states: SELECTED,
    syntax: `${byUid ? 'UID STORE uid-set' : 'STORE sequence-set'} (+FLAGS|-FLAGS|FLAGS)[.SILENT] (flags)`,
    summary: 'Adds, removes or replaces flags (\\Seen, \\Deleted, keywords…); the server answers with the new flags unless .SILENT.',
    rfc: byUid ? 'RFC 3501 §6.4.8' : 'RFC 3501 §6.4.6',
    holdsExpunges: !byUid,
    parse: parseStore,
    async run(session, { set, operation, silent, flags }) {
      const folder = selectedFolder(session);
      if (folder.view.readOnly) throw no('The mailbox is read-only (opened with EXAMINE)');
      const targets = folder.resolve(set, byUid);
      await folder.view.storeFlags(
        targets.map((m) => m.info.uid),
        operation,
        flags,
      );
      // New keywords are announced (FLAGS, PERMANENTFLAGS) before the FETCH responses that use them.
      await session.announceChanges({ expunge: byUid });
      if (silent) return;
      for (const { seq } of targets) {
        const info = folder.view.message(seq);
        if (!info) continue;
        const items: ImapValue[] = byUid ? [atom('UID'), info.uid] : [];
        items.push(atom('FLAGS'), folder.flagsOf(info));
        await session.send(encodeLine(`* ${seq} FETCH`, [items]));
      }
    },
  });
}

export const store = storeCommand(false);
export const uidStore = storeCommand(true);
