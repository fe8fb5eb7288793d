import type { SmtpCommand } from '../command.js';
import { auth } from './auth.js';
import { bdat } from './bdat.js';
import { data } from './data.js';
import { ehlo, helo } from './helo.js';
import { mail } from './mail.js';
import { rcpt } from './rcpt.js';
import { expn, help, noop, quit, rset } from './simple.js';
import { starttls } from './starttls.js';
import { vrfy } from './vrfy.js';

/** Every SMTP command the server knows; the same list answers HELP and feeds the console's explanations. */
export const COMMANDS: readonly SmtpCommand[] = [helo, ehlo, starttls, auth, mail, rcpt, data, bdat, rset, vrfy, expn, noop, help, quit];
