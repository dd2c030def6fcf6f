import type { DeletingReceiver, LockedMessage, LockedReceiver, QueueMessage } from '../../adapters/queue/index.js';
import { LockKeeper } from './lock-keeper.js';
import { settleLimit } from './shared.js';

export interface PurgeLoopOptions {
  /** Delete at most this many; default all. */
  max?: number;
  /** Stop when no message arrives for this long. */
  idleTimeoutMs: number;
  /** Messages per receive; default 250. */
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after each batch with the running total. */
  onProgress?: (purged: number) => void;
}

/** Non-matching messages held (locked) at most while scanning, as resubmit does; beyond that the scan stops. */
export const HOLD_LIMIT = 20_000;

/** Messages per receive: larger than drain's 100, since nothing is written or settled per message. */
export const PURGE_BATCH = 250;

/**
 * Receive-and-delete in batches until an empty receive, `max`, or the signal. Returns how many were deleted.
 * Given several receivers (links), each runs its own loop at once, so one link's round trip hides another's; they
 * reserve what they ask for, so together they never take more than `max`.
 * The signal is looked at between batches only: a receive-and-delete cut short would lose the messages already on
 * their way (deleted, yet never counted), so the count stays exact at the cost of waiting out one receive.
 */
export async function purgeAll(receivers: DeletingReceiver | DeletingReceiver[], options: PurgeLoopOptions): Promise<number> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const size = options.batchSize ?? PURGE_BATCH;
  let purged = 0;
  let reserved = 0;
  let empty = false;
  const loop = async (receiver: DeletingReceiver) => {
    while (!empty && reserved < max && !options.signal?.aborted) {
      const want = Math.min(size, max - reserved);
      reserved += want;
      const n = await receiver.deleteBatch(want, { maxWaitMs: options.idleTimeoutMs });
      reserved -= want - n;
      purged += n;
      if (n === 0) empty = true;
      else options.onProgress?.(purged);
    }
  };
  const all = Array.isArray(receivers) ? receivers : [receivers];
  const results = await Promise.allSettled(all.map(loop));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return purged;
}

export interface FilteredPurge {
  purged: number;
  /** Distinct messages seen that did not match (or came after --max): abandoned, still in the entity. */
  skipped: number;
  /** The scan stopped at HOLD_LIMIT held messages: there may be more to purge. */
  stoppedAtHoldLimit: boolean;
}

/**
 * Peek-lock scan: complete what matches, hold the rest locked while scanning (so no message is seen twice) and
 * abandon them at the end, untouched, as `resubmit` does with dead letters it leaves.
 */
export async function purgeMatching(
  receiver: LockedReceiver,
  match: (m: QueueMessage) => boolean,
  options: PurgeLoopOptions,
): Promise<FilteredPurge> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const keeper = new LockKeeper(receiver);
  const held: LockedMessage[] = [];
  let purged = 0;
  try {
    while (purged < max && held.length < HOLD_LIMIT && !options.signal?.aborted) {
      let batch: LockedMessage[];
      try {
        batch = await receiver.receive(options.batchSize ?? 100, { maxWaitMs: options.idleTimeoutMs, signal: options.signal });
      } catch (error) {
        if (options.signal?.aborted) break;
        throw error;
      }
      if (batch.length === 0) break;
      const chosen: LockedMessage[] = [];
      const kept: LockedMessage[] = [];
      for (const m of batch) (match(m.message) && purged + chosen.length < max ? chosen : kept).push(m);
      held.push(...kept);
      keeper.add(kept);
      const failed = await settleLimit(chosen, 64, (m) => receiver.complete(m));
      // A failed completion (lock lost) leaves the message in the entity: it is not counted as purged.
      purged += chosen.length - failed.length;
      options.onProgress?.(purged);
    }
  } finally {
    keeper.stop();
    await settleLimit(held, 64, (m) => receiver.abandon(m));
  }
  return { purged, skipped: new Set(held.map((m) => m.message.sequenceNumber)).size, stoppedAtHoldLimit: held.length >= HOLD_LIMIT };
}
