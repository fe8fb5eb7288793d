import { bodyStructure, buildEnvelope, extractSection, parseHeader, parseMime, type MimePart } from '../../mime/index.js';
import type { MessageInfo } from '../../store/index.js';
import { formatDateTime } from '../args.js';
import { Literal, ResponseBuilder } from '../protocol/serializer.js';
import type { SelectedFolder } from '../selected-folder.js';
import type { FetchItem } from './fetch-items.js';
import { envelopeValue, writeBodyStructure } from './structure-values.js';

const EMPTY = Buffer.alloc(0);

/** Whether an item needs the message's bytes (FLAGS, UID, size and date come from the store's index). */
export function needsMessage(item: FetchItem): boolean {
  return item.kind === 'envelope' || item.kind === 'structure' || item.kind === 'section';
}

/**
 * `* seq FETCH (…)` for one message: UID first when asked for (always with UID FETCH), then the items
 * in the order requested, then FLAGS when reading set \Seen and FLAGS was not asked for (RFC 3501 §6.4.5).
 * The text goes to memory from `allocate` when given.
 */
export function renderFetch(
  folder: SelectedFolder,
  seq: number,
  info: MessageInfo,
  items: readonly FetchItem[],
  message: Buffer | undefined,
  flagsChanged: boolean,
  allocate?: (bytes: number) => Buffer,
): Buffer[] {
  let mime: MimePart | undefined;
  const parsed = (bytes: Buffer): MimePart => (mime ??= parseMime(bytes));
  const out = new ResponseBuilder(allocate).raw(`* ${seq} FETCH (`);
  let first = true;
  const key = (name: string): ResponseBuilder => {
    if (!first) out.raw(' ');
    first = false;
    return out.raw(`${name} `);
  };
  if (items.some((i) => i.kind === 'uid')) key('UID').value(info.uid);
  for (const item of items) {
    switch (item.kind) {
      case 'uid':
        break;
      case 'flags':
        key('FLAGS').value(folder.flagsOf(info));
        break;
      case 'internaldate':
        key('INTERNALDATE').value(formatDateTime(info.internalDate));
        break;
      case 'size':
        key('RFC822.SIZE').value(info.size);
        break;
      case 'envelope':
        key('ENVELOPE').value(envelopeValue(buildEnvelope(parseHeader(message!, 0, message!.length).fields)));
        break;
      case 'structure':
        writeBodyStructure(key(item.extended ? 'BODYSTRUCTURE' : 'BODY'), bodyStructure(parsed(message!)), item.extended);
        break;
      case 'section': {
        const { section, partial } = item;
        const whole = section.path.length === 0 && section.text.kind === 'all';
        // A part the message does not have reads as empty, as Dovecot answers it.
        const data = (whole ? message! : extractSection(message!, parsed(message!), section)) ?? EMPTY;
        const piece = partial ? data.subarray(partial.start, partial.length === undefined ? undefined : partial.start + partial.length) : data;
        key(item.label).value(new Literal(piece));
        break;
      }
    }
  }
  if (flagsChanged && !items.some((i) => i.kind === 'flags')) key('FLAGS').value(folder.flagsOf(info));
  return out.raw(')\r\n').pieces();
}
