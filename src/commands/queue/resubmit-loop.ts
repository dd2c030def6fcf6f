import type { FileHandle } from 'node:fs/promises';
import { idText } from '../../adapters/queue/message-codec.js';
import { SessionsRequiredError, type LockedMessage, type LockedReceiver, type OutgoingMessage, type QueueMessage, type QueueSender } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { MAX_UNSETTLED } from './drain-loop.js';
import { InFlight } from './in-flight.js';
import { ReceiveAhead } from './receive-ahead.js';
import { plural, settleLimit } from './shared.js';

/** Non-matching dead letters held (locked) at most while scanning; beyond that the scan stops. */
export const HOLD_LIMIT = 20_000;

export interface ScanDeps {
  /** Links on the dead-letter queue, received on in turn (see ReceiveAhead). */
  receivers: readonly LockedReceiver[];
  sender: QueueSender;
  journal?: FileHandle;
  target: string;
  match: (m: QueueMessage) => boolean;
  /** The copy to send for a dead letter. */
  copy: (m: QueueMessage) => OutgoingMessage;
  /** --session-id: the sessionId given to copies of dead letters that have none. */
  sessionId?: string;
  /** Learnt from the first refusal: the target requires sessions, so a copy without a sessionId cannot go. */
  sessionTarget: boolean;
  warn: (text: string) => void;
}

export interface ScanOptions {
  max: number;
  idleTimeoutMs: number;
  /** A fixed number of dead letters per receive instead of the growing one (see receive-ahead.ts). */
  batchSize?: number;
}

export interface ScanState {
  resubmitted: number;
  skipped: number;
  /** Copies accepted whose dead letter could not be completed: in both places. */
  duplicates: number;
  /** Dead letters held back because the target requires sessions and they have no sessionId. */
  sessionless: number;
}

/**
 * The resubmit pipeline: per batch the copies are sent (batches in order, one after the other, so a failure stops
 * the run with everything after it unsent), and only once the target accepted them are they journaled and the dead
 * letters completed; that last step runs in the background while the next batch is sent, and the next receive is
 * on the wire meanwhile. Non-matching dead letters are held locked while the scan goes on (so they are not seen
 * twice) and abandoned at the end, untouched.
 */
export async function scanAndResubmit(ctx: Context, options: ScanOptions, deps: ScanDeps, state: ScanState): Promise<void> {
  const { receivers } = deps;
  const inFlight = new InFlight(receivers);
  const held = new Map<LockedReceiver, LockedMessage[]>(receivers.map((r) => [r, []]));
  let holding = 0;
  // Dead letters whose copy was accepted and whose completion has not succeeded (yet, or lock lost): if one comes
  // back it is completed, never sent again.
  const sent = new Set<string>();
  let picked = 0;
  let journaled = Promise.resolve();
  let background: { error: unknown } | undefined;
  const ahead = new ReceiveAhead(receivers, {
    maxWaitMs: options.idleTimeoutMs,
    signal: ctx.signal,
    room: () => (picked < options.max && holding < HOLD_LIMIT ? MAX_UNSETTLED - inFlight.count : 0),
    busy: (r) => inFlight.busy(r),
    settled: () => inFlight.settled(),
    arrived: (b) => inFlight.hold(b.receiver, b.messages),
    fixedSize: options.batchSize,
  });
  const completeCopied = async (receiver: LockedReceiver, m: LockedMessage) => {
    try {
      await receiver.complete(m);
      if (m.message.sequenceNumber !== null) sent.delete(m.message.sequenceNumber);
    } catch {
      // Lost lock: the copy went out, the dead letter stays; `sent` keeps it from being sent twice.
    }
  };
  /** Journals (in order, flushed) and then completes dead letters whose copies were accepted. */
  const settle = (receiver: LockedReceiver, accepted: LockedMessage[], journal: boolean) => {
    const lines = journal && deps.journal ? journalLines(accepted, deps.target) : '';
    journaled = journaled.then(() => (lines && deps.journal ? flush(deps.journal, lines) : undefined));
    const after = journaled;
    inFlight.run(receiver, accepted, async () => {
      try {
        await after;
        await Promise.all(accepted.map((m) => completeCopied(receiver, m)));
      } catch (error) {
        background ??= { error };
      }
    });
  };
  const spinner = ctx.out.spinner('scanning dead letters');
  try {
    while (picked < options.max && holding < HOLD_LIMIT && !ctx.signal.aborted && !background) {
      const { messages: batch, receiver } = await ahead.next();
      if (batch.length === 0) break;
      const chosen: LockedMessage[] = [];
      const again: LockedMessage[] = [];
      const skip: LockedMessage[] = [];
      for (const m of batch) {
        const seq = m.message.sequenceNumber;
        if (seq !== null && sent.has(seq)) again.push(m);
        else if (deps.match(m.message) && picked < options.max) {
          chosen.push(m);
          picked += 1;
        } else skip.push(m);
      }
      const holdBack = (messages: LockedMessage[]) => {
        inFlight.park(receiver, messages);
        held.get(receiver)!.push(...messages);
        holding += messages.length;
      };
      holdBack(skip);
      ahead.prefetch();
      // Sized by its first message: a cheap estimate, enough to keep batches of large messages small.
      ahead.observe(batch.length, JSON.stringify(batch[0]!.message).length * batch.length);
      if (again.length) settle(receiver, again, false);
      await resubmitBatch(deps, receiver, chosen, sent, state, inFlight, (accepted) => settle(receiver, accepted, true), holdBack);
      spinner.text(`resubmitted ${state.resubmitted}, ${holding} not matching`);
      ahead.prefetch();
    }
    if (holding >= HOLD_LIMIT) {
      ctx.out.warn(`stopped scanning after ${plural(HOLD_LIMIT, 'non-matching dead letter')}; run again with narrower filters or drain the rest`);
    }
  } finally {
    // A receive still on its way: what it brings goes back untouched with the rest.
    const onItsWay = await ahead.settleAhead();
    if (onItsWay) inFlight.park(onItsWay.receiver, onItsWay.messages);
    if (onItsWay) held.get(onItsWay.receiver)!.push(...onItsWay.messages);
    await inFlight.finish();
    spinner.stop();
    // Untouched: back to the dead-letter queue as they were (the broker raises their delivery count).
    const all: LockedMessage[] = [];
    for (const [receiver, messages] of held) {
      all.push(...messages);
      await settleLimit(messages, 64, (m) => receiver.abandon(m));
    }
    state.skipped = new Set(all.map((m) => m.message.sequenceNumber)).size;
    state.duplicates = sent.size;
  }
  if (background) throw background.error;
}

/** Sends the copies; what the target accepted goes on to `accepted` (journal, complete). A failure stops the run. */
async function resubmitBatch(
  deps: ScanDeps,
  receiver: LockedReceiver,
  all: LockedMessage[],
  sent: Set<string>,
  state: ScanState,
  inFlight: InFlight,
  accepted: (done: LockedMessage[]) => void,
  holdBack: (messages: LockedMessage[]) => void,
): Promise<void> {
  const chosen = deps.sessionTarget ? withSessionOnly(deps, all, state, holdBack) : all;
  if (chosen.length === 0) return;
  let count = 0;
  let failure: { error: unknown } | undefined;
  try {
    await deps.sender.send(chosen.map((m) => deps.copy(m.message)), (n) => (count = n));
  } catch (error) {
    failure = { error };
  }
  const done = chosen.slice(0, count);
  for (const m of done) if (m.message.sequenceNumber !== null) sent.add(m.message.sequenceNumber);
  state.resubmitted += done.length;
  if (done.length) accepted(done);
  // A session-enabled target shows itself by refusing a copy without a sessionId (nothing of that batch was
  // taken): what is left goes again, without the dead letters that have none.
  if (failure && failure.error instanceof SessionsRequiredError && !deps.sessionTarget) {
    deps.sessionTarget = true;
    return resubmitBatch(deps, receiver, chosen.slice(count), sent, state, inFlight, accepted, holdBack);
  }
  if (failure) {
    const unsent = chosen.slice(count);
    inFlight.release(receiver, unsent);
    await settleLimit(unsent, 64, (m) => receiver.abandon(m));
    throw failure.error;
  }
}

/** The dead letters that can go to a session-enabled target; the others are held (left untouched) with a warning. */
function withSessionOnly(deps: ScanDeps, chosen: LockedMessage[], state: ScanState, holdBack: (messages: LockedMessage[]) => void): LockedMessage[] {
  const ok: LockedMessage[] = [];
  const without: LockedMessage[] = [];
  for (const m of chosen) {
    if (m.message.sessionId !== null || deps.sessionId !== undefined) ok.push(m);
    else without.push(m);
  }
  if (without.length === 0) return ok;
  // Not sent, so not in flight any more: held like non-matching dead letters, and abandoned untouched at the end.
  holdBack(without);
  state.sessionless += without.length;
  for (const m of without) {
    deps.warn(
      `skipped dead letter ${idText(m.message.messageId) || '(without messageId)'} (sequence number ${m.message.sequenceNumber ?? '?'}): ` +
        `it has no sessionId and ${deps.target} requires sessions; pass --session-id <id> to give it one`,
    );
  }
  return ok;
}

function journalLines(done: LockedMessage[], target: string): string {
  const at = new Date().toISOString();
  return done
    .map((m) => JSON.stringify({ sequenceNumber: m.message.sequenceNumber, messageId: idText(m.message.messageId), target, resubmittedAt: at }) + '\n')
    .join('');
}

async function flush(journal: FileHandle, lines: string): Promise<void> {
  await journal.write(lines);
  await journal.datasync();
}
