import type { Headers, Provider } from '../adapters/webhooks/scheme.js';
import type { ReceivedEvent } from '../listener/types.js';
import { BodySlabs } from './body-slabs.js';
import type { Delivery, DeliveryData } from './delivery.js';
import type { AttemptJson } from './shapes.js';

/**
 * What the inspector keeps of a request: the listener's event copied field by field, its body copied into the
 * ring's slabs (see BodySlabs) or, when large, into a buffer of its own. Kept as it was, the event held the body node
 * read it into (a buffer of its own per request). Field by field, in a class, because an object spread of the event
 * cost ten times more.
 */
class EventCopy implements DeliveryData {
  readonly receivedAt: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Headers;
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
  /** Where the body is: `slab` from `start` (when start >= 0), or `slab` is the body's own buffer. */
  private readonly slab: Buffer;
  private readonly start: number;
  readonly bytes: number;

  constructor(event: ReceivedEvent, bodies: BodySlabs) {
    this.receivedAt = event.receivedAt;
    this.method = event.method;
    this.path = event.path;
    this.headers = event.headers;
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
    this.bytes = event.body.length;
    this.start = bodies.put(event.seq, event.body);
    this.slab = this.start >= 0 ? bodies.current : Buffer.from(event.body);
  }

  /** A copy: the slab is written over once the delivery has left the ring, while a replay may still be sending it. */
  get body(): Buffer {
    return this.start >= 0 ? Buffer.from(this.slab.subarray(this.start, this.start + this.bytes)) : this.slab;
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
    bodies: BodySlabs,
  ) {
    this.ev = new EventCopy(event, bodies);
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
  /** Where the deliveries' bodies are kept. */
  readonly bodies: BodySlabs;

  constructor(private readonly size: number) {
    this.slots = new Array<LiveDelivery | undefined>(size);
    this.bodies = new BodySlabs(size);
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
    this.bodies.clear();
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
