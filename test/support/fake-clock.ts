import type { Clock } from '../../src/core/clock.js';

/**
 * A clock whose sleeps pass instantly: each sleep moves virtual time forward by its length and is recorded,
 * so tests can assert the waits a real run would make without waiting.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.time += ms;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
