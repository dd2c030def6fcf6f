/**
 * The ids seen lately, so a provider's retry of an event already taken is answered but not handled twice.
 * Bounded: past `capacity` the least recently seen id is forgotten, so memory stays flat however long it runs.
 */
export class SeenIds {
  private readonly ids = new Map<string, true>();
  constructor(private readonly capacity = 10_000) {}

  /** True when the id was seen before (and refreshes it); otherwise remembers it and returns false. */
  checkAndAdd(id: string): boolean {
    if (this.ids.has(id)) {
      this.ids.delete(id);
      this.ids.set(id, true);
      return true;
    }
    this.ids.set(id, true);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return false;
  }

  /** Forgets an id, e.g. when the event it belonged to could not be recorded and the provider must retry it. */
  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
