/**
 * The event ids seen lately, so a provider's retry of an event already taken is answered but not handled twice.
 * Bounded: past `capacity` the oldest id is forgotten (a ring buffer next to a Set: constant time, and memory
 * stays flat however long the listener runs).
 */
export class SeenIds {
  private readonly ids = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(capacity = 10_000) {
    this.ring = new Array<string | undefined>(Math.max(1, capacity));
  }

  /** True when the id was seen before; otherwise remembers it and returns false. */
  checkAndAdd(id: string): boolean {
    if (this.ids.has(id)) return true;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.ring.length;
    this.ids.add(id);
    return false;
  }

  /** Forgets an id, e.g. when its event could not be recorded and the provider must be able to retry it. */
  delete(id: string): void {
    // Its ring slot is left as it is; evicting an id that is no longer in the set is harmless.
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
