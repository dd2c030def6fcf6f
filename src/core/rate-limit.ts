import { systemClock, type Clock } from './clock.js';

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSec: number;
  /** Bucket size: how many calls may go at once after a quiet spell (default: one second's worth, at least 1). */
  burst?: number;
  clock?: Clock;
}

/** A token bucket: `take()` resolves when a token is available, so callers are spread to the configured rate. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSec > 0)) throw new RangeError('ratePerSec must be positive');
    this.clock = options.clock ?? systemClock;
    this.burst = Math.max(1, options.burst ?? Math.floor(options.ratePerSec));
    this.tokens = this.burst;
    this.last = this.clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.options.ratePerSec);
    this.last = now;
  }

  /** Takes a token now if there is one. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Waits for a token; concurrent callers are served in the order they asked. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      while (!this.tryTake()) {
        const waitMs = Math.ceil(((1 - this.tokens) / this.options.ratePerSec) * 1000);
        await this.clock.sleep(Math.max(1, waitMs), signal);
      }
    });
    this.queue = turn.catch(() => {});
    return turn;
  }
}
