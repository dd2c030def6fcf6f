import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { classifyStripeError, isTransientStripeError, mapStripeError, type MapContext } from '../../../../src/adapters/payments/stripe-errors.js';
import { CircuitOpenError } from '../../../../src/core/circuit-breaker.js';
import { ExitCode, SwitchyardError } from '../../../../src/core/errors.js';

const KEY = 'sk_test_51UnitTestKeyAbcdefghijklmnop';
const ctx: MapContext = { action: 'create the PaymentIntent', apiBase: 'http://127.0.0.1:1', secrets: [KEY], attempts: 1 };
const E = Stripe.errors;

function raw(statusCode: number, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return { message: 'boom', statusCode, requestId: 'req_123', headers, ...fields };
}

function mapped(error: unknown, extra: Partial<MapContext> = {}): SwitchyardError {
  const result = mapStripeError(error, { ...ctx, ...extra });
  expect(result).toBeInstanceOf(SwitchyardError);
  return result as SwitchyardError;
}

describe('mapStripeError', () => {
  it('maps a card error to exit 1 with the decline code, the message and the PaymentIntent', () => {
    const e = mapped(new E.StripeCardError(raw(402, {
      type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.',
      payment_intent: { id: 'pi_1', status: 'requires_payment_method' },
    })));
    expect(e.exitCode).toBe(ExitCode.checkFailed);
    expect(e.message).toBe('card declined (insufficient_funds): Your card has insufficient funds. (pi_1 is requires_payment_method)');
    expect(e.requestId).toBe('req_123');
  });

  it('maps an invalid request to exit 2 naming the parameter, and an unknown id with Stripe\'s message', () => {
    const bad = mapped(new E.StripeInvalidRequestError(raw(400, { param: 'currency', message: 'Invalid currency: zzz.' })));
    expect(bad.exitCode).toBe(ExitCode.usage);
    expect(bad.message).toContain('Invalid currency: zzz. (parameter: currency)');
    const missing = mapped(new E.StripeInvalidRequestError(raw(404, { code: 'resource_missing', param: 'intent', message: "No such payment_intent: 'pi_x'" })));
    expect(missing.exitCode).toBe(ExitCode.usage);
    expect(missing.message).toContain("No such payment_intent: 'pi_x'");
  });

  it('maps an idempotency error to exit 2 with a hint about the key', () => {
    const e = mapped(new E.StripeIdempotencyError(raw(400, { type: 'idempotency_error' })));
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.hint).toMatch(/idempotency-key/);
  });

  it('maps 401 and 403 to exit 3 without leaking the key', () => {
    const auth = mapped(new E.StripeAuthenticationError(raw(401, { message: `Invalid API Key provided: ${KEY}` })));
    expect(auth.exitCode).toBe(ExitCode.refused);
    expect(auth.message).not.toContain(KEY);
    expect(auth.message).toContain('sk_test_…mnop');
    expect(mapped(new E.StripePermissionError(raw(403))).exitCode).toBe(ExitCode.refused);
  });

  it('maps network errors, 5xx, 409 and 429 to exit 4, naming a safe retry for writes', () => {
    const conn = mapped(new E.StripeConnectionError({ message: 'socket hang up' }), { attempts: 4, idempotencyKey: 'sy_k' });
    expect(conn.exitCode).toBe(ExitCode.unavailable);
    expect(conn.message).toBe('could not reach Stripe at http://127.0.0.1:1 after 4 attempts: socket hang up');
    expect(conn.hint).toContain('--idempotency-key sy_k');
    expect(mapped(new E.StripeAPIError(raw(503))).exitCode).toBe(ExitCode.unavailable);
    expect(mapped(new E.StripeAPIError(raw(409))).exitCode).toBe(ExitCode.unavailable);
    expect(mapped(new E.StripeRateLimitError(raw(429))).code).toBe('rate_limited');
  });

  it('leaves our own errors alone and turns an interrupted call into exit 130', () => {
    const open = new CircuitOpenError('Stripe API', 1000);
    expect(mapStripeError(open, ctx)).toBe(open);
    expect(mapped(new E.StripeAPIError(raw(500)), { interrupted: true }).exitCode).toBe(ExitCode.interrupted);
    const plain = new TypeError('bug');
    expect(mapStripeError(plain, ctx)).toBe(plain);
  });
});

describe('classifyStripeError', () => {
  it('retries connection errors, 409, 429 and 5xx but no other 4xx', () => {
    expect(classifyStripeError(new E.StripeConnectionError({ message: 'x' })).retry).toBe(true);
    expect(classifyStripeError(new E.StripeAPIError(raw(409))).retry).toBe(true);
    expect(classifyStripeError(new E.StripeAPIError(raw(502))).retry).toBe(true);
    expect(classifyStripeError(new E.StripeRateLimitError(raw(429))).retry).toBe(true);
    expect(classifyStripeError(new E.StripeInvalidRequestError(raw(400))).retry).toBe(false);
    expect(classifyStripeError(new E.StripeCardError(raw(402))).retry).toBe(false);
    expect(classifyStripeError(new E.StripeAuthenticationError(raw(401))).retry).toBe(false);
    expect(classifyStripeError(new Error('not stripe')).retry).toBe(false);
  });

  it('honours Stripe-Should-Retry either way, over the status', () => {
    expect(classifyStripeError(new E.StripeAPIError(raw(503, {}, { 'stripe-should-retry': 'false' }))).retry).toBe(false);
    expect(classifyStripeError(new E.StripeInvalidRequestError(raw(400, {}, { 'stripe-should-retry': 'true' }))).retry).toBe(true);
  });

  it('passes on Retry-After in milliseconds, in seconds or as an HTTP date', () => {
    expect(classifyStripeError(new E.StripeRateLimitError(raw(429, {}, { 'retry-after': '2' })))).toEqual({ retry: true, retryAfterMs: 2000 });
    const now = Date.parse('2026-11-22T19:00:00Z');
    const dated = new E.StripeAPIError(raw(503, {}, { 'retry-after': 'Sun, 22 Nov 2026 19:00:03 GMT' }));
    expect(classifyStripeError(dated, now)).toEqual({ retry: true, retryAfterMs: 3000 });
  });
});

describe('isTransientStripeError', () => {
  it('counts only service trouble against the circuit breaker', () => {
    expect(isTransientStripeError(new E.StripeAPIError(raw(500)))).toBe(true);
    expect(isTransientStripeError(new E.StripeConnectionError({ message: 'x' }))).toBe(true);
    expect(isTransientStripeError(new E.StripeCardError(raw(402)))).toBe(false);
    expect(isTransientStripeError(new E.StripeInvalidRequestError(raw(404)))).toBe(false);
  });
});
