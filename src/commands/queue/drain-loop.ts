import type { FileHandle } from 'node:fs/promises';
import type { LockedMessage, LockedReceiver } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { LockKeeper } from './lock-keeper.js';
import { ReceiveAhead } from './receive-ahead.js';
import { mapLimit, settleLimit } from './shared.js';

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
 * Messages received (or asked for) but not yet settled, at most. rhea keeps a link's unsettled deliveries in a
 * buffer of 2,048; this stays well inside it and bounds the locks held at once.
 */
export const MAX_UNSETTLED = 1_500;

/**
 * The drain pipeline. Across a network each step is a round trip, so they overlap: the next receive is on the wire
 * while the batch in hand is written and fsynced, and batches already on disk are being completed (every message of
 * a batch at once). What matters is kept per message: it is completed only after the write and fsync of its batch
 * returned, and the file keeps the entity's order. Locks held until a message is settled are renewed by a
 * LockKeeper. Under --json each batch is echoed to stdout once it is on disk.
 */
export async function drainLoop(
  ctx: Context,
  receiver: LockedReceiver,
  options: DrainLoopOptions,
  /** Resolves once the lines are on disk (see fileWriter). */
  write: (lines: string) => Promise<void>,
  state: DrainState,
  progress: (n: number) => void,
): Promise<void> {
  const keeper = new LockKeeper(receiver);
  const settling = new Set<Promise<void>>();
  let unsettled = 0;
  let received = 0;
  const ahead = new ReceiveAhead(receiver, { maxWaitMs: options.idleTimeoutMs, signal: ctx.signal }, () =>
    Math.min(options.max - received, MAX_UNSETTLED - unsettled),
  options.batchSize);
  // Sequence numbers on disk whose completion has not succeeded yet (in progress, or failed: lock lost).
  const onDisk = new Map<string, number>();
  let untracked = 0;
  const complete = async (m: LockedMessage) => {
    const seq = m.message.sequenceNumber;
    if (seq !== null) onDisk.set(seq, (onDisk.get(seq) ?? 0) + 1);
    try {
      await receiver.complete(m);
      if (seq !== null) onDisk.delete(seq);
    } catch {
      if (seq === null) untracked += 1;
    }
  };
  const settle = (batch: LockedMessage[], written: number) => {
    const done = mapLimit(batch, batch.length, complete).then(() => {
      keeper.remove(batch);
      unsettled -= batch.length;
      state.drained += written;
      state.notCompleted = onDisk.size + untracked;
      settling.delete(done);
      progress(state.drained);
    });
    settling.add(done);
  };
  try {
    while (received < options.max) {
      let batch: LockedMessage[];
      try {
        batch = await ahead.next();
      } catch (error) {
        // Interrupted while waiting: nothing of this receive was handed to us, so nothing to write or settle.
        if (ctx.signal.aborted) return;
        throw error;
      }
      if (batch.length === 0) return;
      // From here the batch is finished even if Ctrl-C arrives: written, flushed, then completed.
      keeper.add(batch);
      received += batch.length;
      unsettled += batch.length;
      ahead.prefetch();
      // A message that came back (its lock was lost) is on disk already: completed again, never written twice.
      const fresh = batch.filter((m) => m.message.sequenceNumber === null || !onDisk.has(m.message.sequenceNumber));
      const lines = fresh.map((m) => JSON.stringify(m.message) + '\n').join('');
      ahead.observe(batch.length, lines.length);
      try {
        if (lines) await write(lines);
      } catch (error) {
        // Not on disk, so not completed: hand it back at once (with a batch already on its way), not when the locks expire.
        const unwritten = [...batch, ...(await ahead.settleAhead())];
        keeper.remove(unwritten);
        await settleLimit(unwritten, 64, (m) => receiver.abandon(m));
        throw new UsageError(`cannot write the output file: ${(error as Error).message}`, {
          hint: 'free disk space or pass --out on another disk; the unwritten messages are back in the queue',
        });
      }
      settle(batch, fresh.length);
      if (ctx.out.json && lines) await writeStdout(ctx, lines);
      // Too much held: let settlements catch up before asking for more.
      while (unsettled >= MAX_UNSETTLED && settling.size > 0) await Promise.race(settling);
      ahead.prefetch();
    }
  } finally {
    while (settling.size > 0) await Promise.all(settling);
    keeper.stop();
  }
}

/** The durable write of a drain: append to the file and flush it to disk. */
export function fileWriter(handle: FileHandle): (lines: string) => Promise<void> {
  return async (lines) => {
    await handle.write(lines);
    await handle.datasync();
  };
}

/** Writes to stdout and waits when the pipe is full, so a slow reader never makes drain hold messages in memory. */
function writeStdout(ctx: Context, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (ctx.rt.stdout.write(text)) resolve();
    else ctx.rt.stdout.once('drain', () => resolve());
  });
}
