import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/run-cli.js';
import { type StripeServer, useStripeServer } from '../support/stripe-server.js';

const KEY = 'sk_test_51E2eResilienceKeyAbcdefghijklmnopqrstuv';

let server: StripeServer;
const runs: CliResult[] = [];
useStripeServer((started) => (server = started));
afterEach(() => {
  for (const run of runs) expect(run.stdout + run.stderr).not.toContain(KEY);
  runs.length = 0;
});

async function sy(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(args, {
    env: { STRIPE_API_KEY: KEY, STRIPE_API_BASE: server.url, SWITCHYARD_RETRY_BASE_MS: '1', ...env },
  });
  runs.push(result);
  return result;
}

const create = ['payments', 'create', '--amount', '2000', '--currency', 'usd'];

describe('payments create when Stripe misbehaves', () => {
  it('survives two failures and creates exactly one PaymentIntent, every attempt with the reported key', async () => {
    server.fail({ status: 500 }, { status: 429 });
    const r = await sy(['--json', ...create]);
    expect(r.code).toBe(0);
    expect(server.requests.map((q) => q.status)).toEqual([500, 429, 200]);
    expect(server.intents.all()).toHaveLength(1);
    const key = JSON.parse(r.stdout).idempotencyKey as string;
    expect(server.requests.map((q) => q.idempotencyKey)).toEqual([key, key, key]);
    expect(r.stderr).toContain('Stripe answered 500');
    expect(r.stderr).toContain('retrying in');
  });

  it('waits for the Retry-After of a 429 before the next attempt', async () => {
    server.fail({ status: 429, retryAfter: 1 });
    const r = await sy(create);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('retrying in 1.0 s');
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('exits 4 once the retries are spent, naming the key that makes running it again safe', async () => {
    server.fail(...Array.from({ length: 4 }, () => ({ status: 503 })));
    const r = await sy([...create, '--idempotency-key', 'order-503']);
    expect(r.code).toBe(4);
    expect(server.requests).toHaveLength(4);
    expect(r.stderr).toMatch(/error: Stripe failed to create the PaymentIntent \(503\) after 4 attempts/);
    expect(r.stderr).toContain('--idempotency-key order-503');
    expect(server.intents.all()).toHaveLength(0);
    const again = await sy([...create, '--idempotency-key', 'order-503']);
    expect(again.code).toBe(0);
    expect(server.intents.all()).toHaveLength(1);
  });

  it('exits 4 quickly when the server never answers and --timeout is short', async () => {
    server.fail(...Array.from({ length: 4 }, () => ({ kind: 'hang' as const })));
    const r = await sy(['payments', 'get', 'pi_123', '--timeout', '200ms']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Request aborted due to timeout being reached (200ms)');
    expect(server.requests).toHaveLength(4);
  });

  it('exits 4 when nothing listens at STRIPE_API_BASE', async () => {
    const r = await sy(['payments', 'list'], { STRIPE_API_BASE: 'http://127.0.0.1:9' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('could not reach Stripe at http://127.0.0.1:9');
  });

  it('exits 2 on an unusable STRIPE_API_BASE or --timeout', async () => {
    expect((await sy(['payments', 'list'], { STRIPE_API_BASE: 'ftp://example.com' })).code).toBe(2);
    expect((await sy(['payments', 'list', '--api-base', `${server.url}/v1`])).stderr).toContain('must not have a path');
    expect((await sy(['payments', 'list', '--timeout', 'soon'])).code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
});
