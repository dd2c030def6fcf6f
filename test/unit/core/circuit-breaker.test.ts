import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from '../../../src/core/circuit-breaker.js';
import { ExitCode } from '../../../src/core/errors.js';
import { FakeClock } from '../../support/fake-clock.js';

const fail = () => Promise.reject(new Error('boom'));
const succeed = () => Promise.resolve('ok');

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and then fails fast without calling', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ name: 'target', failureThreshold: 3, resetTimeoutMs: 10_000, clock });
    for (let i = 0; i < 3; i++) await expect(breaker.run(fail)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    let called = false;
    const error = await breaker
      .run(async () => {
        called = true;
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).exitCode).toBe(ExitCode.unavailable);
    expect(called).toBe(false);
  });

  it('a success resets the count of consecutive failures', async () => {
    const breaker = new CircuitBreaker({ name: 't', failureThreshold: 2, clock: new FakeClock() });
    await expect(breaker.run(fail)).rejects.toThrow();
    await breaker.run(succeed);
    await expect(breaker.run(fail)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
  });

  it('half-opens after the reset timeout; a successful trial closes it', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ name: 't', failureThreshold: 1, resetTimeoutMs: 5000, clock });
    await expect(breaker.run(fail)).rejects.toThrow();
    clock.advance(4999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.run(succeed)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('a failed trial opens it again for a full timeout', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ name: 't', failureThreshold: 1, resetTimeoutMs: 5000, clock });
    await expect(breaker.run(fail)).rejects.toThrow();
    clock.advance(5000);
    await expect(breaker.run(fail)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    clock.advance(4000);
    await expect(breaker.run(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('lets only one trial through while half-open', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ name: 't', failureThreshold: 1, resetTimeoutMs: 100, clock });
    await expect(breaker.run(fail)).rejects.toThrow();
    clock.advance(100);
    let release!: () => void;
    const trial = breaker.run(() => new Promise<void>((r) => (release = r)));
    await expect(breaker.run(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    await trial;
    expect(breaker.state).toBe('closed');
  });

  it('does not count errors the caller says are not the target failing', async () => {
    const breaker = new CircuitBreaker({ name: 't', failureThreshold: 1, clock: new FakeClock() });
    await expect(breaker.run(fail, () => false)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
  });

  it('records a call made without run as run would: a failure counts, a success resets, other errors do not count', async () => {
    const breaker = new CircuitBreaker({ name: 't', failureThreshold: 2, clock: new FakeClock() });
    breaker.record(new Error('boom'));
    breaker.record(undefined);
    breaker.record(new Error('boom'));
    expect(breaker.state).toBe('closed');
    breaker.record(new Error('a 4xx'), () => false);
    expect(breaker.state).toBe('closed');
    breaker.record(new Error('boom'));
    expect(breaker.state).toBe('open');
    await expect(breaker.run(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
  });
});
