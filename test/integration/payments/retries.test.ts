import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/errors.js';
import { FakeClock } from '../../support/fake-clock.js';
import { type StripeServer, useStripeServer } from '../../support/stripe-server.js';
import { portFor, rejection } from './helpers.js';

let server: StripeServer;
useStripeServer((started) => (server = started));

const keysSeen = () => [...new Set(server.requests.map((r) => r.idempotencyKey))];

describe('retries', () => {
  it('survives two failures and creates exactly one PaymentIntent, every attempt with the same key', async () => {
    const port = await portFor(server);
    server.fail({ status: 500 }, { status: 409 });
    const result = await port.create({ amount: 2000, currency: 'usd' });
    expect(server.requests.map((r) => r.status)).toEqual([500, 409, 200]);
    expect(server.intents.all()).toHaveLength(1);
    expect(keysSeen()).toEqual([result.intent.idempotencyKey]);
    expect(result.intent.idempotencyKey).toMatch(/^sy_[0-9a-f-]{36}$/);
  });

  it('waits at least the Retry-After of a 429 before trying again', async () => {
    const port = await portFor(server);
    server.fail({ status: 429, retryAfter: 1 });
    await port.create({ amount: 2000, currency: 'usd', idempotencyKey: 'ra-1' });
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    expect(server.intents.all()).toHaveLength(1);
  });

  it('gives up with exit 4 when a Retry-After is longer than it will wait, without waiting', async () => {
    const port = await portFor(server, { maxRetryAfterMs: 2_000 });
    server.fail({ status: 429, retryAfter: 120 });
    const error = await rejection(port.create({ amount: 2000, currency: 'usd' }));
    expect(error.exitCode).toBe(ExitCode.unavailable);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a 429 that outlasts the retries as exit 4, naming the key that makes a retry safe', async () => {
    const port = await portFor(server, { retries: 2 });
    server.fail({ status: 429 }, { status: 429 }, { status: 429 });
    const error = await rejection(port.create({ amount: 2000, currency: 'usd', idempotencyKey: 'rl-1' }));
    expect(error.exitCode).toBe(ExitCode.unavailable);
    expect(error.code).toBe('rate_limited');
    expect(error.message).toContain('after 3 attempts');
    expect(error.hint).toContain('--idempotency-key rl-1');
    expect(server.requests).toHaveLength(3);
    expect(server.intents.all()).toHaveLength(0);
  });

  it('honours Stripe-Should-Retry: false on a 503 and true on a 400', async () => {
    const port = await portFor(server);
    server.fail({ status: 503, shouldRetry: false });
    expect((await rejection(port.create({ amount: 2000, currency: 'usd' }))).exitCode).toBe(ExitCode.unavailable);
    expect(server.requests).toHaveLength(1);
    server.reset();
    server.fail({ status: 400, shouldRetry: true });
    await port.create({ amount: 2000, currency: 'usd' });
    expect(server.requests.map((r) => r.status)).toEqual([400, 200]);
  });

  it('never retries any other 4xx', async () => {
    const port = await portFor(server);
    server.fail({ status: 400 });
    expect((await rejection(port.create({ amount: 2000, currency: 'usd' }))).exitCode).toBe(ExitCode.usage);
    expect(server.requests).toHaveLength(1);
  });

  it('counts the SDK\'s own retry of a reset connection: one reset costs two requests, two resets three', async () => {
    const retries: number[] = [];
    const port = await portFor(server, { onRetry: ({ attempt }) => retries.push(attempt) });
    server.fail({ kind: 'reset' });
    await port.create({ amount: 2000, currency: 'usd' });
    expect(server.requests.map((r) => r.status)).toEqual(['reset', 200]);
    expect(retries).toEqual([]); // the SDK retried by itself, with the same headers
    expect(keysSeen()).toHaveLength(1);
    server.reset();
    server.fail({ kind: 'reset' }, { kind: 'reset' });
    await port.create({ amount: 2000, currency: 'usd' });
    expect(server.requests.map((r) => r.status)).toEqual(['reset', 'reset', 200]);
    expect(retries).toEqual([1]);
    expect(keysSeen()).toHaveLength(1);
    expect(server.intents.all()).toHaveLength(1);
  });

  it('gives up on a server that never answers after the per-attempt timeout, with exit 4', async () => {
    const port = await portFor(server, { timeoutMs: 150, retries: 1 });
    server.fail({ kind: 'hang' }, { kind: 'hang' });
    const error = await rejection(port.retrieve('pi_123'));
    expect(error.exitCode).toBe(ExitCode.unavailable);
    expect(error.message).toContain('timeout');
    expect(server.requests).toHaveLength(2);
  });
});

describe('idempotency', () => {
  it('replays the same key and parameters without creating a second PaymentIntent', async () => {
    const port = await portFor(server);
    const first = await port.create({ amount: 2000, currency: 'usd', idempotencyKey: 'order-7' });
    const second = await port.create({ amount: 2000, currency: 'usd', idempotencyKey: 'order-7' });
    expect(second.intent.id).toBe(first.intent.id);
    expect(second.replayed).toBe(true);
    expect(server.intents.all()).toHaveLength(1);
  });

  it('replays a decline too, and refuses the key with other parameters (exit 2)', async () => {
    const port = await portFor(server);
    const input = { amount: 2000, currency: 'usd', paymentMethod: 'pm_card_chargeDeclined', confirm: true, idempotencyKey: 'd-1' };
    expect((await rejection(port.create(input))).exitCode).toBe(ExitCode.checkFailed);
    expect((await rejection(port.create(input))).exitCode).toBe(ExitCode.checkFailed);
    expect(server.requests[1]!.replayed).toBe(true);
    expect(server.intents.all()).toHaveLength(1);
    const other = await rejection(port.create({ ...input, amount: 3000 }));
    expect(other.exitCode).toBe(ExitCode.usage);
    expect(other.message).toContain('idempotency key reused with other parameters');
  });
});

describe('circuit breaker', () => {
  it('stops calling after five failed calls, and lets one trial through after the reset timeout', async () => {
    const clock = new FakeClock();
    const port = await portFor(server, { retries: 0, clock });
    server.fail(...Array.from({ length: 5 }, () => ({ status: 500 })));
    for (let i = 0; i < 5; i++) expect((await rejection(port.retrieve('pi_123'))).exitCode).toBe(ExitCode.unavailable);
    const open = await rejection(port.list());
    expect(open.exitCode).toBe(ExitCode.unavailable);
    expect(open.code).toBe('circuit_open');
    expect(server.requests).toHaveLength(5);
    clock.advance(30_000);
    expect((await port.list()).intents).toEqual([]);
    expect(server.requests).toHaveLength(6);
  });

  it('does not count the caller\'s mistakes against the service', async () => {
    const port = await portFor(server, { retries: 0 });
    for (let i = 0; i < 6; i++) expect((await rejection(port.retrieve('pi_missing'))).exitCode).toBe(ExitCode.usage);
    expect((await port.list()).intents).toEqual([]);
  });
});
