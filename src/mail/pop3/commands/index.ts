import type { Pop3Command } from '../command.js';
import { apop } from './apop.js';
import { auth } from './auth.js';
import { capa } from './capa.js';
import { dele } from './dele.js';
import { list } from './list.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { retr } from './retr.js';
import { rset } from './rset.js';
import { stat } from './stat.js';
import { stls } from './stls.js';
import { top } from './top.js';
import { uidl } from './uidl.js';
import { user } from './user.js';

/** Every POP3 command, in the order CAPA lists their capabilities. */
export const POP3_COMMANDS: readonly Pop3Command<unknown>[] = [capa, top, uidl, stls, user, auth, pass, apop, stat, list, retr, dele, rset, noop, quit];
