import type { LockedMessage, LockedReceiver } from '../../adapters/queue/index.js';

/** Smallest and largest receive; the largest stays well inside the SDK's peek-lock cap (2,047). */
export const MIN_BATCH = 100;
export const MAX_BATCH = 500;
/** Bytes a batch should stay under, from the average size seen so far (memory, and time to arrive). */
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Keeps the next receive on the wire while the caller works on the batch in hand: across a network a receive is a
 * round trip, and waiting for it only after writing and settling the previous batch doubles the time per batch.
 * One receive at a time (the SDK allows no more per link), so messages stay in the entity's order.
 *
 * The batch size starts at MIN_BATCH and grows while batches come back full, up to MAX_BATCH and BATCH_BYTES.
 * The caller bounds what it holds through `room` (how many more messages it may take now; 0 = not now).
 */
export class ReceiveAhead {
  private pending: Promise<LockedMessage[]> | undefined;
  private size: number;
  private readonly maxSize: number;
  private lastFull = true;
  /** The size of the receive on its way. */
  private asked = 0;

  constructor(
    private readonly receiver: LockedReceiver,
    private readonly options: { maxWaitMs: number; signal: AbortSignal },
    private readonly room: () => number,
    /** A fixed batch size instead of the growing one (tests). */
    fixedSize?: number,
  ) {
    this.size = fixedSize ?? MIN_BATCH;
    this.maxSize = fixedSize ?? MAX_BATCH;
  }

  /** Starts the next receive unless one is on its way, there is no room, or the last batch came back short. */
  prefetch(): void {
    if (this.pending || !this.lastFull || this.options.signal.aborted) return;
    this.start();
  }

  /**
   * The next batch: the one already on its way, else a new one. Empty when the entity stayed empty for maxWaitMs
   * or there is no room. Rejects when receiving fails (an AbortError after Ctrl-C).
   */
  async next(): Promise<LockedMessage[]> {
    if (!this.pending && !this.options.signal.aborted) this.start();
    const pending = this.pending;
    if (!pending) return [];
    try {
      const batch = await pending;
      this.lastFull = batch.length > 0 && batch.length >= this.asked;
      return batch;
    } finally {
      this.pending = undefined;
    }
  }

  /** What a receive already on its way brings (for the caller to hand back after a failure). */
  async settleAhead(): Promise<LockedMessage[]> {
    const pending = this.pending;
    this.pending = undefined;
    return pending ? pending.catch(() => []) : [];
  }

  /** Grows the batch size after a full batch (the one next() returned last), by the bytes its messages took. */
  observe(count: number, bytes: number): void {
    if (!this.lastFull) return;
    const fit = Math.floor(BATCH_BYTES / Math.max(1, bytes / count));
    this.size = Math.max(Math.min(MIN_BATCH, this.maxSize), Math.min(this.maxSize, this.size * 2, fit));
  }

  private start(): void {
    const n = Math.min(this.size, this.room());
    if (n <= 0) return;
    this.asked = n;
    this.pending = this.receiver.receive(n, this.options);
    // Awaited by next() or settleAhead(); this only keeps an early failure from counting as unhandled.
    this.pending.catch(() => {});
  }
}
