import type { ReceivedEvent } from '../listener/types.js';
import type { Delivery } from './delivery.js';
import type { AttemptJson } from './shapes.js';

/** Shared by every delivery that has no attempt yet (most of them, under load): one array fewer per request. */
const NO_ATTEMPTS: AttemptJson[] = [];

/** A delivery this listener run saw: the listener's event object itself, with its arrival number as id. */
export class LiveDelivery implements Delivery {
  readonly source = 'live' as const;
  attempts = NO_ATTEMPTS;

  constructor(
    readonly order: number,
    readonly ev: ReceivedEvent,
    readonly unchecked: boolean,
  ) {}

  get id(): string {
    return String(this.order);
  }

  addAttempt(attempt: AttemptJson): void {
    if (this.attempts === NO_ATTEMPTS) this.attempts = [];
    this.attempts.push(attempt);
  }
}

/**
 * The last `size` live deliveries, by arrival number: a slot per number modulo the size, so adding one is an array
 * store (no map, no key string), and the oldest drops out by being overwritten.
 */
export class LiveRing {
  private readonly slots: (LiveDelivery | undefined)[];
  private newest = 0;

  constructor(private readonly size: number) {
    this.slots = new Array<LiveDelivery | undefined>(size);
  }

  add(d: LiveDelivery): void {
    this.slots[d.order % this.size] = d;
    if (d.order > this.newest) this.newest = d.order;
  }

  /** The oldest arrival number the ring can still hold. */
  get oldest(): number {
    return Math.max(1, this.newest - this.size + 1);
  }

  get(order: number): LiveDelivery | undefined {
    const d = this.slots[order % this.size];
    return d?.order === order ? d : undefined;
  }

  delete(order: number): void {
    if (this.get(order)) this.slots[order % this.size] = undefined;
  }

  clear(): void {
    this.slots.fill(undefined);
  }

  /** Newest first, from just below `before` when given. */
  *newestFirst(before = Infinity): Generator<LiveDelivery> {
    const start = Math.min(this.newest, before - 1);
    for (let n = start; n > 0 && n > this.newest - this.size; n--) {
      const d = this.get(n);
      if (d) yield d;
    }
  }
}
