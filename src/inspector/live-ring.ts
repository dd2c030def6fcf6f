import type { Headers, Provider } from '../adapters/webhooks/scheme.js';
import type { ReceivedEvent } from '../listener/types.js';
import type { Delivery, DeliveryData } from './delivery.js';
import type { AttemptJson } from './shapes.js';

/**
 * What the inspector keeps of a request: the listener's event copied field by field, its body copied too. Kept as
 * it was, the event held the body node read it into (a buffer of its own per request); a thousand of those cost the
 * listener about 3% of its throughput in GC work, the copies (slices of node's shared buffer pool, for bodies under
 * 4 KB) about a third of that. Field by field, in a class, because an object spread of the event cost ten times more.
 */
class EventCopy implements DeliveryData {
  readonly receivedAt: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly status: number;
  readonly provider: Provider | null;
  readonly type: string | null;
  readonly id: string | null;
  readonly verified: boolean;
  readonly reason: string | null;
  readonly duplicate: boolean;
  readonly skipped: boolean;
  readonly recorded: string | null;
  readonly url: string | null;

  constructor(event: ReceivedEvent) {
    this.receivedAt = event.receivedAt;
    this.method = event.method;
    this.path = event.path;
    this.headers = event.headers;
    this.body = Buffer.from(event.body);
    this.status = event.status;
    this.provider = event.provider;
    this.type = event.type;
    this.id = event.id;
    this.verified = event.verified;
    this.reason = event.reason;
    this.duplicate = event.duplicate;
    this.skipped = event.skipped;
    this.recorded = event.recorded;
    this.url = event.url ?? null;
  }
}

/** Shared by every delivery that has no attempt yet (most of them, under load): one array fewer per request. */
const NO_ATTEMPTS: AttemptJson[] = [];

/** A delivery this listener run saw: a copy of the listener's event, with its arrival number as id. */
export class LiveDelivery implements Delivery {
  readonly source = 'live' as const;
  attempts = NO_ATTEMPTS;
  readonly ev: DeliveryData;

  constructor(
    readonly order: number,
    event: ReceivedEvent,
    readonly unchecked: boolean,
  ) {
    this.ev = new EventCopy(event);
  }

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
