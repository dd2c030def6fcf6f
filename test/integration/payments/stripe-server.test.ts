import { describe, expect, it } from 'vitest';
import { type StripeServer, useStripeServer } from '../../support/stripe-server.js';
import { TEST_KEY } from './helpers.js';

let server: StripeServer;
useStripeServer((started) => (server = started));

function call(method: string, path: string, form?: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TEST_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: form,
  });
}

describe('the Stripe-compatible test server', () => {
  it('answers every error as {"error": {...}}, as the SDK requires', async () => {
    const answers = [
      await fetch(`${server.url}/v1/payment_intents`),
      await call('GET', '/v1/nope'),
      await call('POST', '/v1/payment_intents', 'amount=100'),
      await call('GET', '/v1/payment_intents/pi_missing'),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 404, 400, 404]);
    for (const answer of answers) {
      const body = (await answer.json()) as { error?: { type?: string; message?: string } };
      expect(body.error?.type).toBe('invalid_request_error');
      expect(body.error?.message).toBeTruthy();
      expect(answer.headers.get('request-id')).toMatch(/^req_/);
    }
  });

  it('refuses keys that are not test keys with 401, masking them', async () => {
    const live = 'sk_live_51AbcdefghijklmnopqrstuvWXYZ';
    const answer = await call('GET', '/v1/payment_intents', undefined, { Authorization: `Bearer ${live}` });
    expect(answer.status).toBe(401);
    const text = await answer.text();
    expect(text).not.toContain(live);
    expect(text).toContain('sk_live_…WXYZ');
  });

  it('decodes Stripe\'s form encoding, nested metadata included, and rejects unknown parameters', async () => {
    const created = await call('POST', '/v1/payment_intents', 'amount=2000&currency=usd&metadata[order]=42&metadata[tenant]=eu');
    expect(((await created.json()) as { metadata: unknown }).metadata).toEqual({ order: '42', tenant: 'eu' });
    const unknown = await call('POST', '/v1/payment_intents', 'amount=2000&currency=usd&colour=red');
    expect(await unknown.json()).toMatchObject({ error: { param: 'colour', message: 'Received unknown parameter: colour' } });
  });

  it('replays a saved answer with Idempotent-Replayed, but does not save validation errors', async () => {
    const key = { 'Idempotency-Key': 'k-1' };
    const invalid = await call('POST', '/v1/payment_intents', 'amount=2000', key);
    expect(invalid.status).toBe(400);
    const first = await call('POST', '/v1/payment_intents', 'amount=2000&currency=usd', key);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await call('POST', '/v1/payment_intents', 'currency=usd&amount=2000', key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    const other = await call('POST', '/v1/payment_intents', 'amount=2001&currency=usd', key);
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { type: string } }).error.type).toBe('idempotency_error');
    expect(server.intents.all()).toHaveLength(1);
  });

  it('serves scripted faults in order with their headers, then behaves again', async () => {
    server.fail({ status: 429, retryAfter: 3 }, { status: 503, shouldRetry: false });
    const limited = await call('GET', '/v1/payment_intents');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limit');
    const down = await call('GET', '/v1/payment_intents');
    expect(down.status).toBe(503);
    expect(down.headers.get('stripe-should-retry')).toBe('false');
    expect((await call('GET', '/v1/payment_intents')).status).toBe(200);
    expect(server.requests.map((r) => r.fault)).toEqual([true, true, false]);
  });

  it('resets the connection, or never answers, when told to', async () => {
    server.fail({ kind: 'reset' }, { kind: 'hang' });
    await expect(call('GET', '/v1/payment_intents')).rejects.toThrow('fetch failed');
    const hung = fetch(`${server.url}/v1/payment_intents`, { signal: AbortSignal.timeout(200) });
    await expect(hung).rejects.toThrow(/aborted due to timeout/);
    expect(server.requests.map((r) => r.status)).toEqual(['reset', 'hang']);
  });
});
