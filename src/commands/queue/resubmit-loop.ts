import type { FileHandle } from 'node:fs/promises';
import { idText } from '../../adapters/queue/message-codec.js';
import type { LockedMessage, LockedReceiver, OutgoingMessage, QueueMessage, QueueSender } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { MAX_UNSETTLED } from './drain-loop.js';
import { LockKeeper } from './lock-keeper.js';
import { ReceiveAhead } from './receive-ahead.js';
import { mapLimit, plural, settleLimit } from './shared.js';

/** Non-matching dead letters held (locked) at most while scanning; beyond that the scan stops. */
export const HOLD_LIMIT = 20_000;

export interface ScanDeps {
  receiver: LockedReceiver;
  sender: QueueSender;
  journal?: FileHandle;
  target: string;
  match: (m: QueueMessage) => boolean;
  /** The copy to send for a dead letter. */
  copy: (m: QueueMessage) => OutgoingMessage;
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
}

/**
 * The resubmit pipeline: per batch the copies are sent (batches in order, one after the other, so a failure stops
 * the run with everything after it unsent), and only once the target accepted them are they journaled and the dead
 * letters completed; that last step runs in the background while the next batch is sent, and the next receive is
 * on the wire meanwhile. Non-matching dead letters are held locked while the scan goes on (so they are not seen
 * twice) and abandoned at the end, untouched.
 */
export async function scanAndResubmit(ctx: Context, options: ScanOptions, deps: ScanDeps, state: ScanState): Promise<void> {
  const { receiver } = deps;
  const keeper = new LockKeeper(receiver);
  const held: LockedMessage[] = [];
  // Dead letters whose copy was accepted and whose completion has not succeeded (yet, or lock lost): if one comes
  // back it is completed, never sent again.
  const sent = new Map<string, true>();
  const settling = new Set<Promise<void>>();
  let inFlight = 0;
  let picked = 0;
  let journaled = Promise.resolve();
  let background: { error: unknown } | undefined;
  const ahead = new ReceiveAhead(
    receiver,
    { maxWaitMs: options.idleTimeoutMs, signal: ctx.signal },
    () => (picked < options.max && held.length < HOLD_LIMIT ? MAX_UNSETTLED - inFlight : 0),
    options.batchSize,
  );
  const complete = async (m: LockedMessage) => {
    try {
      await receiver.complete(m);
      if (m.message.sequenceNumber !== null) sent.delete(m.message.sequenceNumber);
    } catch {
      // Lost lock: the copy went out, the dead letter stays; `sent` keeps it from being sent twice.
    }
  };
  /** Journals (in order, flushed) and then completes dead letters whose copies were accepted. */
  const settle = (accepted: LockedMessage[], journal: boolean) => {
    const lines = journal ? journalLines(accepted, deps.target) : '';
    journaled = journaled.then(() => (lines && deps.journal ? flush(deps.journal, lines) : undefined));
    const done = journaled
      .then(() => mapLimit(accepted, accepted.length, complete))
      .then(
        () => undefined,
        (error: unknown) => void (background ??= { error }),
      )
      .finally(() => {
        keeper.remove(accepted);
        inFlight -= accepted.length;
        settling.delete(done);
      });
    settling.add(done);
  };
  const spinner = ctx.out.spinner('scanning dead letters');
  try {
    while (picked < options.max && held.length < HOLD_LIMIT && !ctx.signal.aborted && !background) {
      let batch: LockedMessage[];
      try {
        batch = await ahead.next();
      } catch (error) {
        if (ctx.signal.aborted) return;
        throw error;
      }
      if (batch.length === 0) break;
      keeper.add(batch);
      const chosen: LockedMessage[] = [];
      const again: LockedMessage[] = [];
      for (const m of batch) {
        const seq = m.message.sequenceNumber;
        if (seq !== null && sent.has(seq)) again.push(m);
        else if (deps.match(m.message) && picked < options.max) {
          chosen.push(m);
          picked += 1;
        } else held.push(m);
      }
      inFlight += chosen.length + again.length;
      ahead.prefetch();
      if (again.length) settle(again, false);
      await resubmitBatch(deps, chosen, sent, state, (accepted) => settle(accepted, true));
      spinner.text(`resubmitted ${state.resubmitted}, ${held.length} not matching`);
      while (inFlight >= MAX_UNSETTLED && settling.size > 0) await Promise.race(settling);
      ahead.prefetch();
    }
    if (held.length >= HOLD_LIMIT) {
      ctx.out.warn(`stopped scanning after ${plural(HOLD_LIMIT, 'non-matching dead letter')}; run again with narrower filters or drain the rest`);
    }
  } finally {
    // A receive still on its way: what it brings goes back untouched with the rest.
    held.push(...(await ahead.settleAhead()));
    while (settling.size > 0) await Promise.all(settling);
    spinner.stop();
    keeper.stop();
    // Untouched: back to the dead-letter queue as they were (the broker raises their delivery count).
    await settleLimit(held, 64, (m) => receiver.abandon(m));
    state.skipped = new Set(held.map((m) => m.message.sequenceNumber)).size;
    state.duplicates = sent.size;
  }
  if (background) throw background.error;
}

/** Sends the copies; what the target accepted goes on to `accepted` (journal, complete). A failure stops the run. */
async function resubmitBatch(
  deps: ScanDeps,
  chosen: LockedMessage[],
  sent: Map<string, true>,
  state: ScanState,
  accepted: (done: LockedMessage[]) => void,
): Promise<void> {
  if (chosen.length === 0) return;
  let count = 0;
  let failure: { error: unknown } | undefined;
  try {
    await deps.sender.send(chosen.map((m) => deps.copy(m.message)), (n) => (count = n));
  } catch (error) {
    failure = { error };
  }
  const done = chosen.slice(0, count);
  for (const m of done) if (m.message.sequenceNumber !== null) sent.set(m.message.sequenceNumber, true);
  state.resubmitted += done.length;
  if (done.length) accepted(done);
  if (failure) {
    const unsent = chosen.slice(count);
    await settleLimit(unsent, 64, (m) => deps.receiver.abandon(m));
    throw failure.error;
  }
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
