import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, retry } from '../../../src/core/retry.js';
import { FakeClock } from '../../support/fake-clock.js';

class Transient extends Error {
  constructor(readonly retryAfterMs?: number) {
    super('transient');
  }
}
const classify = (e: unknown) =>
  e instanceof Transient ? { retry: true, retryAfterMs: e.retryAfterMs } : { retry: false };

describe('backoffDelay', () => {
  it('draws uniformly below a ceiling that doubles per attempt up to the maximum', () => {
    expect(backoffDelay(0, 100, 10_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(400);
    expect(backoffDelay(10, 100, 1_000, () => 0.5)).toBe(500);
    expect(backoffDelay(2, 100, 10_000, () => 0)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0.5 ', now)).toBe(500);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 12:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('retry', () => {
  it('retries transient failures with full-jitter backoff and returns the first success', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const result = await retry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Transient();
        return 'ok';
      },
      { retries: 5, baseMs: 100, classify, clock, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('waits exactly the Retry-After the server asked for', async () => {
    const clock = new FakeClock();
    let calls = 0;
    await retry(
      async () => {
        if (++calls === 1) throw new Transient(2000);
        return 'ok';
      },
      { retries: 3, classify, clock, random: () => 0 },
    );
    expect(clock.sleeps).toEqual([2000]);
  });

  it('never retries a permanent failure', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const permanent = new Error('400 bad request');
    await expect(
      retry(
        async () => {
          calls += 1;
          throw permanent;
        },
        { retries: 5, classify, clock },
      ),
    ).rejects.toBe(permanent);
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after the allowed retries and throws the last error', async () => {
    const clock = new FakeClock();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          throw new Transient();
        },
        { retries: 2, classify, clock },
      ),
    ).rejects.toBeInstanceOf(Transient);
    expect(calls).toBe(3);
  });

  it('throws instead of waiting for a Retry-After beyond the limit', async () => {
    const clock = new FakeClock();
    await expect(
      retry(async () => Promise.reject(new Transient(120_000)), { retries: 3, classify, clock, maxRetryAfterMs: 60_000 }),
    ).rejects.toBeInstanceOf(Transient);
    expect(clock.sleeps).toEqual([]);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          controller.abort(new Error('stop'));
          throw new Transient();
        },
        { retries: 5, classify, clock: new FakeClock(), signal: controller.signal },
      ),
    ).rejects.toBeInstanceOf(Transient);
    expect(calls).toBe(1);
  });
});
