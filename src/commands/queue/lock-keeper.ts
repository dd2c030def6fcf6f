import type { LockedMessage, LockedReceiver } from '../../adapters/queue/index.js';
import { settleLimit } from './shared.js';

interface Tracked {
  message: LockedMessage;
  /** The lock duration seen when the message arrived, to size the renewal margin. */
  durationMs: number;
}

/**
 * Keeps peek-lock locks alive while a command still holds messages (a slow batch in drain, the non-matching dead
 * letters resubmit holds while it scans): a lock is renewed once less than half of its duration is left, which
 * leaves room for a slow renewal on a busy machine.
 * A lock that cannot be renewed is dropped; the broker will redeliver that message, so nothing is lost.
 */
export class LockKeeper {
  private readonly tracked = new Map<LockedMessage, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Locks that could not be renewed (their messages go back to the entity). */
  lost = 0;

  constructor(
    private readonly receiver: LockedReceiver,
    private readonly now: () => number = Date.now,
  ) {}

  add(messages: readonly LockedMessage[]): void {
    const now = this.now();
    for (const message of messages) {
      if (!message.lockedUntil) continue;
      this.tracked.set(message, { message, durationMs: Math.max(message.lockedUntil.getTime() - now, 1) });
    }
    this.schedule();
  }

  remove(messages: readonly LockedMessage[]): void {
    for (const m of messages) this.tracked.delete(m);
  }

  get size(): number {
    return this.tracked.size;
  }

  private schedule(): void {
    if (this.timer || this.tracked.size === 0) return;
    const shortest = Math.min(...[...this.tracked.values()].slice(0, 100).map((t) => t.durationMs));
    const interval = Math.max(50, Math.min(1000, Math.floor(shortest / 6)));
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
  }

  /** Renews every lock that is within half of its duration of expiring. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.now();
      const due = [...this.tracked.values()].filter(
        (t) => t.message.lockedUntil && t.message.lockedUntil.getTime() - now < t.durationMs / 2,
      );
      await settleLimit(due, 32, async (t) => {
        try {
          await this.receiver.renewLock(t.message);
        } catch (error) {
          if (this.tracked.delete(t.message)) this.lost += 1;
          throw error;
        }
      });
    } finally {
      this.running = false;
      if (this.tracked.size === 0) this.stop();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
