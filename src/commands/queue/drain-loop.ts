import type { FileHandle } from 'node:fs/promises';
import type { LockedMessage, LockedReceiver } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { InFlight } from './in-flight.js';
import { ReceiveAhead } from './receive-ahead.js';
import { settleLimit } from './shared.js';

export interface DrainLoopOptions {
  /** Stop after this many messages. */
  max: number;
  idleTimeoutMs: number;
  /** A fixed number of messages per receive instead of the growing one (see receive-ahead.ts). */
  batchSize?: number;
}

export interface DrainState {
  drained: number;
  notCompleted: number;
}

/**
 * Messages received and not yet settled, at most (a receive asks only for what fits). rhea keeps a link's unsettled
 * deliveries in a buffer of 2,048; this stays well inside it and bounds the locks held at once.
 */
export const MAX_UNSETTLED = 1_500;

/**
 * The drain pipeline. Across a network each step is a round trip, so they overlap: the next receive is on the wire
 * while the batch in hand is written and fsynced, and batches already on disk are being completed (every message of
 * a batch at once). What matters is kept per message: it is completed only after the write and fsync of its batch
 * returned, and the file keeps the entity's order (one receive at a time). Locks held until a message is settled
 * are renewed (InFlight). Under --json each batch is echoed to stdout once it is on disk.
 */
export async function drainLoop(
  ctx: Context,
  /** Links on the entity, received on in turn (see ReceiveAhead); with one, receives do not overlap settling. */
  receivers: readonly LockedReceiver[],
  options: DrainLoopOptions,
  /** Resolves once the lines are on disk (see fileWriter). */
  write: (lines: string) => Promise<void>,
  state: DrainState,
  progress: (n: number) => void,
): Promise<void> {
  const held = new InFlight(receivers);
  let received = 0;
  const ahead = new ReceiveAhead(receivers, {
    maxWaitMs: options.idleTimeoutMs,
    signal: ctx.signal,
    room: () => Math.min(options.max - received, MAX_UNSETTLED - held.count),
    busy: (r) => held.busy(r),
    settled: () => held.settled(),
    arrived: (b) => held.hold(b.receiver, b.messages),
    fixedSize: options.batchSize,
  });
  // Sequence numbers on disk whose completion has not succeeded yet (in progress, or failed: lock lost).
  const onDisk = new Set<string>();
  let untracked = 0;
  const complete = (receiver: LockedReceiver) => async (m: LockedMessage) => {
    const seq = m.message.sequenceNumber;
    if (seq !== null) onDisk.add(seq);
    try {
      await receiver.complete(m);
      if (seq !== null) onDisk.delete(seq);
    } catch {
      if (seq === null) untracked += 1;
    }
  };
  try {
    while (received < options.max) {
      const { messages: batch, receiver } = await ahead.next();
      if (batch.length === 0) return;
      // From here the batch is finished even if Ctrl-C arrives: written, flushed, then completed.
      received += batch.length;
      ahead.prefetch();
      // A message that came back (its lock was lost) is on disk already: completed again, never written twice.
      const fresh = batch.filter((m) => m.message.sequenceNumber === null || !onDisk.has(m.message.sequenceNumber));
      const lines = fresh.map((m) => JSON.stringify(m.message) + '\n').join('');
      ahead.observe(batch.length, lines.length);
      try {
        if (lines) await write(lines);
      } catch (error) {
        // Not on disk, so not completed: hand it back at once (with a batch already on its way), not when the locks expire.
        const onItsWay = await ahead.settleAhead();
        held.release(receiver, batch);
        await settleLimit(batch, 64, (m) => receiver.abandon(m));
        if (onItsWay) held.release(onItsWay.receiver, onItsWay.messages);
        if (onItsWay) await settleLimit(onItsWay.messages, 64, (m) => onItsWay.receiver.abandon(m));
        throw new UsageError(`cannot write the output file: ${(error as Error).message}`, {
          hint: 'free disk space or pass --out on another disk; the unwritten messages are back in the queue',
        });
      }
      held.run(receiver, batch, async () => {
        // Every message of the batch at once: rhea sends their dispositions together.
        await Promise.all(batch.map(complete(receiver)));
        state.drained += fresh.length;
        state.notCompleted = onDisk.size + untracked;
        progress(state.drained);
      });
      if (ctx.out.json && lines) await writeStdout(ctx, lines);
      ahead.prefetch();
    }
  } finally {
    await held.finish();
    state.notCompleted = onDisk.size + untracked;
  }
}

/** The durable write of a drain: append to the file and flush it to disk. */
export function fileWriter(handle: FileHandle): (lines: string) => Promise<void> {
  return async (lines) => {
    await handle.write(lines);
    await handle.datasync();
  };
}

/**
 * Writes to stdout and waits when the pipe is full, so a slow reader never makes drain hold messages in memory; a
 * reader that went away (`| head`) or an interrupt ends the wait, since no 'drain' will ever come.
 */
function writeStdout(ctx: Context, text: string): Promise<void> {
  const stdout = ctx.rt.stdout;
  return new Promise((resolve) => {
    if (stdout.write(text) || ctx.signal.aborted || stdout.destroyed) return resolve();
    const done = () => {
      stdout.off('drain', done);
      stdout.off('close', done);
      ctx.signal.removeEventListener('abort', done);
      resolve();
    };
    stdout.once('drain', done);
    stdout.once('close', done);
    ctx.signal.addEventListener('abort', done, { once: true });
  });
}
