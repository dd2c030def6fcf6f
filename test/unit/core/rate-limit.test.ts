import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/core/rate-limit.js';
import { FakeClock } from '../../support/fake-clock.js';

describe('TokenBucket', () => {
  it('allows a burst, then spreads calls to the configured rate', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 5, clock });
    const start = clock.now();
    for (let i = 0; i < 25; i++) await bucket.take();
    // 5 from the burst, then 20 more at 10/s: two seconds of virtual time.
    expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
    expect(clock.now() - start).toBeLessThan(2100);
  });

  it('refills with time but never beyond the burst', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSec: 2, burst: 2, clock });
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(500);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(60_000);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('serves concurrent callers in the order they asked', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSec: 1, burst: 1, clock });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => bucket.take().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TokenBucket({ ratePerSec: 0 })).toThrow(RangeError);
  });
});
