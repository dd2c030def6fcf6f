import type { LockedMessage, LockedReceiver } from '../../adapters/queue/index.js';

/** Smallest and largest receive; the largest stays well inside the SDK's peek-lock cap (2,047). */
export const MIN_BATCH = 100;
export const MAX_BATCH = 500;
/** Bytes a batch should stay under, from the average size seen so far (memory, and time to arrive). */
const BATCH_BYTES = 4 * 1024 * 1024;
/**
 * Links a pipelined command receives on, in turn (see ReceiveAhead). Three let a receive start while the two batches
 * before it are still being settled: resubmit's send → complete takes two round trips after the receive.
 */
export const LINKS = 3;

export interface Batch {
  messages: LockedMessage[];
  /** The link they came on: settle them through it. */
  receiver: LockedReceiver;
}

export interface ReceiveAheadOptions {
  maxWaitMs: number;
  signal: AbortSignal;
  /** How many more messages the caller may take now (0: not now). */
  room: () => number;
  /** Whether the caller still has messages of this link on their way to being settled. */
  busy: (receiver: LockedReceiver) => boolean;
  /** Resolves when one of those settles (undefined: none is on its way). */
  settled: () => Promise<unknown> | undefined;
  /**
   * Called as soon as a batch arrives, before the caller asks for it: from then on its locks must be kept (a batch
   * may wait here while the caller is slow, for example on a full stdout pipe).
   */
  arrived: (batch: Batch) => void;
  /** A fixed batch size instead of the growing one (tests). */
  fixedSize?: number;
}

/**
 * Keeps the next receive on the wire while the caller works on the batch in hand: across a network a receive is a
 * round trip, and waiting for it only after writing and settling the previous batch doubles the time per batch.
 *
 * One receive at a time, so the messages come in the entity's order. It goes to a link with nothing of its own
 * still being settled: when a receive comes back short, the SDK drains the link's credit and, if the broker is slow
 * to confirm, closes the link, which drops the locks of everything unsettled on it. Taking turns between links
 * leaves such a close only the batch it was receiving, as it was before receives overlapped.
 *
 * The batch size starts at MIN_BATCH and grows while batches come back full, up to MAX_BATCH and BATCH_BYTES.
 */
export class ReceiveAhead {
  private pending: Promise<Batch> | undefined;
  private size: number;
  private readonly maxSize: number;
  private lastFull = true;
  /** The size of the receive on its way. */
  private asked = 0;
  private turn = 0;

  constructor(
    private readonly receivers: readonly LockedReceiver[],
    private readonly options: ReceiveAheadOptions,
  ) {
    this.size = options.fixedSize ?? MIN_BATCH;
    this.maxSize = options.fixedSize ?? MAX_BATCH;
  }

  /** Starts the next receive unless one is on its way, there is no room or free link, or the last batch came back short. */
  prefetch(): void {
    if (this.pending || !this.lastFull || this.options.signal.aborted) return;
    const receiver = this.free();
    if (receiver) this.start(receiver);
  }

  /**
   * The next batch: the one already on its way, else a new one (once a link is free). Empty when the entity stayed
   * empty for maxWaitMs, there is no room, or Ctrl-C came while waiting (nothing of that receive was handed over, so
   * nothing to write or settle). Rejects when receiving fails.
   */
  async next(): Promise<Batch> {
    while (!this.pending && !this.options.signal.aborted) {
      const receiver = this.free();
      const settled = receiver ? undefined : this.options.settled();
      if (!settled) {
        if (receiver) this.start(receiver);
        break;
      }
      await settled;
    }
    const pending = this.pending;
    if (!pending) return { messages: [], receiver: this.receivers[0]! };
    try {
      const batch = await pending;
      this.lastFull = batch.messages.length > 0 && batch.messages.length >= this.asked;
      return batch;
    } catch (error) {
      if (this.options.signal.aborted) return { messages: [], receiver: this.receivers[0]! };
      throw error;
    } finally {
      this.pending = undefined;
    }
  }

  /** What a receive already on its way brings (for the caller to hand back after a failure). */
  async settleAhead(): Promise<Batch | undefined> {
    const pending = this.pending;
    this.pending = undefined;
    return pending?.catch(() => undefined);
  }

  /** Grows the batch size after a full batch (the one next() returned last), by the bytes its messages took. */
  observe(count: number, bytes: number): void {
    if (!this.lastFull) return;
    const fit = Math.floor(BATCH_BYTES / Math.max(1, bytes / count));
    this.size = Math.max(Math.min(MIN_BATCH, this.maxSize), Math.min(this.maxSize, this.size * 2, fit));
  }

  private free(): LockedReceiver | undefined {
    for (let i = 0; i < this.receivers.length; i += 1) {
      const receiver = this.receivers[(this.turn + i) % this.receivers.length]!;
      if (!this.options.busy(receiver)) return receiver;
    }
    return undefined;
  }

  private start(receiver: LockedReceiver): void {
    const n = Math.min(this.size, this.options.room());
    if (n <= 0) return;
    this.asked = n;
    this.turn = (this.receivers.indexOf(receiver) + 1) % this.receivers.length;
    const { maxWaitMs, signal } = this.options;
    this.pending = receiver.receive(n, { maxWaitMs, signal }).then((messages) => {
      const batch = { messages, receiver };
      this.options.arrived(batch);
      return batch;
    });
    // Awaited by next() or settleAhead(); this only keeps an early failure from counting as unhandled.
    this.pending.catch(() => {});
  }
}
