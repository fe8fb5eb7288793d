import type { Failure } from '../../queue/delivery-state.js';
import { dotStuff, hasEightBit } from './dot-stuff.js';
import { classOf, enhancedStatus, replyText, type SmtpReply } from './reply.js';
import { COMMAND_OF_STAGE, SessionFailure, TIMEOUTS, type SmtpClientSession } from './session.js';

export interface Transaction {
  /** The envelope sender; `''` sends the null reverse-path of a bounce. */
  from: string;
  recipients: string[];
  message: Buffer;
}

/** What the server did with one recipient. `temporary` failures may succeed at another MX host or later. */
export type RecipientResult =
  | { address: string; kind: 'delivered'; remote: string; reply: string }
  | { address: string; kind: 'failed'; temporary: boolean; failure: Failure }
  /** The end of data was sent but no reply came: the server may have the message (the duplicate window of RFC 1047). */
  | { address: string; kind: 'unknown'; failure: Failure };

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * One mail transaction (RFC 5321 §3.3): MAIL, RCPT for each recipient, DATA, the message, and the
 * end-of-data reply that makes it the server's. With PIPELINING (RFC 2920) MAIL, every RCPT and
 * DATA go out together and the replies are read in order; without it, one command at a time.
 * SIZE (RFC 1870), BODY=8BITMIME (RFC 6152) and SMTPUTF8 (RFC 6531) are declared when offered.
 */
export async function runTransaction(session: SmtpClientSession, t: Transaction): Promise<RecipientResult[]> {
  const ext = session.extensions;
  const where = session.where;
  const refuseAll = (failure: Failure, temporary: boolean): RecipientResult[] =>
    t.recipients.map((address) => ({ address, kind: 'failed', temporary, failure }));

  const limit = ext.maxSize;
  if (limit !== undefined && t.message.length > limit) {
    return refuseAll({ status: '5.3.4', text: `message size ${t.message.length} exceeds size limit ${limit} of server ${where}` }, false);
  }
  const needsUtf8 = NON_ASCII.test(t.from) || t.recipients.some((r) => NON_ASCII.test(r));
  if (needsUtf8 && !ext.has('SMTPUTF8')) {
    return refuseAll({ status: '5.6.7', text: `SMTPUTF8 is required, but was not offered by host ${where}` }, false);
  }
  const params = [
    ...(ext.has('SIZE') ? [`SIZE=${t.message.length}`] : []),
    ...(ext.has('8BITMIME') && hasEightBit(t.message) ? ['BODY=8BITMIME'] : []),
    ...(needsUtf8 ? ['SMTPUTF8'] : []),
  ];
  const mailCommand = `MAIL FROM:<${t.from}>${params.map((p) => ` ${p}`).join('')}`;
  const rcptCommands = t.recipients.map((r) => `RCPT TO:<${r}>`);
  const pipelining = ext.has('PIPELINING');

  session.setState({ phase: 'mail' });
  let mailReply: SmtpReply;
  const rcptReplies: SmtpReply[] = [];
  let dataReply: SmtpReply | undefined;
  if (pipelining) {
    // RFC 2920 §3.1: DATA may end a pipelined group; its reply says whether to send the message.
    session.send([mailCommand, ...rcptCommands, 'DATA']);
    mailReply = await session.read(TIMEOUTS.command);
    session.setState({ phase: 'rcpt' });
    for (let i = 0; i < rcptCommands.length; i++) rcptReplies.push(await session.read(TIMEOUTS.command));
    session.setState({ phase: 'data' });
    dataReply = await session.read(TIMEOUTS.dataInit);
  } else {
    session.send([mailCommand]);
    mailReply = await session.read(TIMEOUTS.command);
    if (classOf(mailReply) === 'positive') {
      session.setState({ phase: 'rcpt' });
      for (const command of rcptCommands) {
        session.send([command]);
        const reply = await session.read(TIMEOUTS.command);
        rcptReplies.push(reply);
        if (reply.code === 421) break;
      }
      if (rcptReplies.some((r) => classOf(r) === 'positive')) {
        session.setState({ phase: 'data' });
        session.send(['DATA']);
        dataReply = await session.read(TIMEOUTS.dataInit);
      }
    }
  }

  const results = new Map<string, RecipientResult>();
  const failed = (address: string, reply: SmtpReply, stage: keyof typeof COMMAND_OF_STAGE): void => {
    results.set(address, { address, kind: 'failed', temporary: classOf(reply) !== 'permanent', failure: failureOf(session, reply, stage) });
  };
  if (classOf(mailReply) !== 'positive') {
    for (const address of t.recipients) failed(address, mailReply, 'mail');
  } else {
    t.recipients.forEach((address, i) => {
      const reply = rcptReplies[i];
      if (!reply) failed(address, mailReply, 'rcpt');
      else if (classOf(reply) !== 'positive') failed(address, reply, 'rcpt');
    });
  }
  const accepted = t.recipients.filter((r) => !results.has(r));

  if (dataReply?.code === 354) {
    session.setState({ phase: 'content' });
    if (accepted.length === 0) {
      // A pipelining server said 354 though no recipient was accepted: end an empty message (RFC 2920 §3.1).
      session.send(['.']);
      await session.read(TIMEOUTS.dataDone).catch(() => undefined);
    } else {
      // One write (and one tap event) for the whole text: no small packets, no half-message on the tap.
      session.write(Buffer.concat(dotStuff(t.message)));
      session.setState({ phase: 'end-of-data' });
      let finalReply: SmtpReply;
      try {
        finalReply = await session.read(TIMEOUTS.dataDone);
      } catch (err) {
        if (!(err instanceof SessionFailure)) throw err;
        const failure: Failure = { status: '4.4.2', text: `${err.message} -- message may be sent more than once` };
        for (const address of accepted) results.set(address, { address, kind: 'unknown', failure });
        return t.recipients.map((r) => results.get(r)!);
      }
      for (const address of accepted) {
        if (classOf(finalReply) === 'positive') results.set(address, { address, kind: 'delivered', remote: session.where, reply: replyText(finalReply) });
        else failed(address, finalReply, 'end-of-data');
      }
    }
  } else {
    if (dataReply) for (const address of accepted) failed(address, dataReply, 'data');
    // Nothing was sent: clear the transaction so the session can carry the next message (RFC 5321 §4.1.1.5).
    if (session.isOpen && !closing(mailReply, rcptReplies, dataReply)) {
      await session.reset();
    }
  }
  if (closing(mailReply, rcptReplies, dataReply)) session.close('the server said 421');
  else if (session.isOpen && session.phase !== 'ready') session.ready();
  return t.recipients.map((r) => results.get(r)!);
}

/** A 421 anywhere means the server is closing the channel (RFC 5321 §3.8). */
function closing(mail: SmtpReply, rcpts: SmtpReply[], data: SmtpReply | undefined): boolean {
  return mail.code === 421 || rcpts.some((r) => r.code === 421) || data?.code === 421;
}

function failureOf(session: SmtpClientSession, reply: SmtpReply, stage: keyof typeof COMMAND_OF_STAGE): Failure {
  return {
    status: enhancedStatus(reply),
    text: `host ${session.where} said: ${replyText(reply)} (in reply to ${COMMAND_OF_STAGE[stage]})`,
    diagnostic: `smtp; ${replyText(reply)}`,
    remoteMta: session.options.peer.name,
  };
}
