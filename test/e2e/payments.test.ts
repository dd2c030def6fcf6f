import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/run-cli.js';
import { startStripeServer, type StripeServer, useStripeServer } from '../support/stripe-server.js';

const KEY = 'sk_test_51E2eSecretKeyAbcdefghijklmnopqrstuvwxyz';
const LIVE = 'sk_live_51E2eLiveKeyAbcdefghijklmnopqrstuvwxyz';
const DESIGN_FIELDS = [
  'id', 'status', 'amount', 'currency', 'customer', 'paymentMethod', 'captureMethod', 'livemode', 'created', 'metadata',
  'nextAction', 'lastPaymentError', 'idempotencyKey', 'requestId',
];

let server: StripeServer;
const runs: CliResult[] = [];
useStripeServer((started) => (server = started));
afterEach(() => {
  // No run may print a secret key or a whole client secret, whatever it did.
  const secrets = [KEY, LIVE, ...server.intents.all().map((pi) => pi.client_secret as string)];
  for (const run of runs) {
    for (const secret of secrets) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
  }
  runs.length = 0;
});

/** `switchyard <args>` with a test key pointed at the test server, and millisecond retry backoff. */
async function sy(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const result = await runCli(args, {
    env: { STRIPE_API_KEY: KEY, STRIPE_API_BASE: server.url, SWITCHYARD_RETRY_BASE_MS: '1', ...env },
  });
  runs.push(result);
  return result;
}

const field = (stdout: string, label: string) => new RegExp(`^${label}:\\s+(.*)$`, 'm').exec(stdout)?.[1];

describe('payments create', () => {
  it('creates and confirms a payment, printing amount, status and next step, with the key and mode on stderr', async () => {
    const r = await sy(['payments', 'create', '--amount', '20.00', '--currency', 'usd', '--payment-method', 'pm_card_visa', '--confirm', '--metadata', 'order=42']);
    expect(r.code).toBe(0);
    const pi = server.intents.all()[0]!;
    expect(field(r.stdout, 'id')).toBe(pi.id);
    expect(field(r.stdout, 'status')).toBe('succeeded');
    expect(field(r.stdout, 'amount')).toBe('20.00 USD');
    expect(field(r.stdout, 'metadata')).toBe('order=42');
    expect(field(r.stdout, 'next action')).toBe('none: the payment succeeded');
    expect(field(r.stdout, 'client secret')).toMatch(new RegExp(`^${pi.id}_secret_…\\w{4}$`));
    expect(r.stderr).toContain('test mode (sk_test_…wxyz)');
    expect(r.stderr).toContain(`idempotency key: ${server.requests[0]!.idempotencyKey}`);
    expect(server.requests[0]!.params).toMatchObject({ amount: '2000', currency: 'usd', confirm: 'true' });
  });

  it('prints one JSON document in the DESIGN.md shape under --json', async () => {
    const r = await sy(['--json', 'payments', 'create', '--amount', '500', '--currency', 'JPY']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(DESIGN_FIELDS);
    expect(doc).toMatchObject({ status: 'requires_payment_method', amount: 500, currency: 'jpy', livemode: false });
    expect(doc.idempotencyKey).toBe(server.requests[0]!.idempotencyKey);
    expect(doc.requestId).toBe(server.requests[0]!.requestId);
  });

  it('never creates a second PaymentIntent when repeated with the same --idempotency-key', async () => {
    const args = ['--json', 'payments', 'create', '--amount', '1000', '--currency', 'eur', '--idempotency-key', 'order-1001'];
    const first = await sy(args);
    const second = await sy(args);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).id).toBe(JSON.parse(first.stdout).id);
    expect(second.stderr).toContain('no new PaymentIntent was created');
    expect(server.intents.all()).toHaveLength(1);
  });

  it('exits 1 on a declined card with the decline code, and nothing on stdout', async () => {
    const r = await sy(['payments', 'create', '--amount', '2000', '--currency', 'usd', '--payment-method', 'pm_card_insufficientFunds', '--confirm']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error: card declined \(insufficient_funds\): Your card has insufficient funds\. \(pi_\w+ is requires_payment_method\)/);
    const json = await sy(['--json', 'payments', 'create', '--amount', '2000', '--currency', 'usd', '--payment-method', 'pm_card_chargeDeclined', '--confirm']);
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    expect(JSON.parse(json.stderr.trim().split('\n').at(-1)!).error).toMatchObject({ code: 'card_declined' });
  });

  it('exits 2 naming the missing flags without a terminal, before any request', async () => {
    const both = await sy(['payments', 'create']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('error: missing --amount and --currency');
    const currency = await sy(['payments', 'create', '--amount', '20.00']);
    expect(currency.code).toBe(2);
    expect(currency.stderr).toContain('missing --currency');
    expect(server.requests).toHaveLength(0);
  });

  it('exits 2 on an amount with more decimals than the currency, and on a currency Stripe rejects', async () => {
    const decimals = await sy(['payments', 'create', '--amount', '5.5', '--currency', 'jpy']);
    expect(decimals.code).toBe(2);
    expect(decimals.stderr).toContain('more decimals than JPY allows (0)');
    expect(server.requests).toHaveLength(0);
    const currency = await sy(['payments', 'create', '--amount', '2000', '--currency', 'zzz']);
    expect(currency.code).toBe(2);
    expect(currency.stderr).toMatch(/Invalid currency: zzz.*\(parameter: currency\)/);
  });
});

describe('payments get, list, confirm, capture, cancel', () => {
  async function create(...extra: string[]): Promise<string> {
    const r = await sy(['--json', 'payments', 'create', '--amount', '2000', '--currency', 'usd', ...extra]);
    expect(r.code).toBe(0);
    return (JSON.parse(r.stdout) as { id: string }).id;
  }

  it('confirms with a payment method, then shows the result with get', async () => {
    const id = await create();
    const confirmed = await sy(['payments', 'confirm', id, '--payment-method', 'pm_card_visa']);
    expect(confirmed.code).toBe(0);
    expect(field(confirmed.stdout, 'status')).toBe('succeeded');
    const got = await sy(['--json', 'payments', 'get', id]);
    expect(JSON.parse(got.stdout)).toMatchObject({ id, status: 'succeeded', paymentMethod: 'pm_card_visa', idempotencyKey: null });
  });

  it('says in words that the customer must authenticate, and where', async () => {
    const id = await create('--payment-method', 'pm_card_authenticationRequired');
    const r = await sy(['payments', 'confirm', id, '--return-url', 'https://shop.example/done']);
    expect(r.code).toBe(0);
    expect(field(r.stdout, 'status')).toBe('requires_action');
    expect(field(r.stdout, 'next action')).toBe(`the customer must authenticate at ${server.url}/3ds/${id}/authenticate`);
  });

  it('captures a manual payment once, and refuses a second capture with exit 2', async () => {
    const id = await create('--payment-method', 'pm_card_visa', '--confirm', '--capture-method', 'manual');
    const held = await sy(['payments', 'get', id]);
    expect(field(held.stdout, 'next action')).toBe(`capture the authorised funds: switchyard payments capture ${id} (or cancel to release them)`);
    const captured = await sy(['payments', 'capture', id]);
    expect(captured.code).toBe(0);
    expect(field(captured.stdout, 'status')).toBe('succeeded');
    const again = await sy(['payments', 'capture', id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('because it has a status of succeeded');
  });

  it('cancels a payment that has not succeeded', async () => {
    const id = await create();
    const r = await sy(['--json', 'payments', 'cancel', id]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id, status: 'canceled' });
  });

  it('lists as one JSON array newest first, as tab-separated lines when piped, and says when there are none', async () => {
    const empty = await sy(['payments', 'list']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toContain('no PaymentIntents found');
    const older = await create('--customer', 'cus_a');
    const newer = await create('--customer', 'cus_b');
    const json = await sy(['--json', 'payments', 'list', '--limit', '5']);
    const docs = JSON.parse(json.stdout) as { id: string }[];
    expect(docs.map((d) => d.id)).toEqual([newer, older]);
    expect(Object.keys(docs[0]!)).toEqual(DESIGN_FIELDS);
    const tsv = await sy(['payments', 'list', '--customer', 'cus_a']);
    expect(tsv.stdout.trim().split('\t').slice(0, 4)).toEqual([older, 'requires_payment_method', '20.00 USD', 'cus_a']);
    expect((await sy(['payments', 'list', '--limit', '500'])).code).toBe(2);
  });

  it('exits 2 on an unknown id with Stripe\'s message, and --verbose adds the request id', async () => {
    const r = await sy(['--verbose', 'payments', 'get', 'pi_unknown123']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No such payment_intent: 'pi_unknown123'");
    expect(r.stderr).toContain(`request id: ${server.requests[0]!.requestId}`);
    const malformed = await sy(['payments', 'get', 'ch_123']);
    expect(malformed.code).toBe(2);
    expect(server.requests).toHaveLength(1);
  });

  it('shows the request id of a success on stderr with --verbose', async () => {
    const r = await sy(['--verbose', 'payments', 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`request id: ${server.requests[0]!.requestId}`);
    await create();
    const got = await sy(['--verbose', 'payments', 'get', server.intents.all()[0]!.id]);
    expect(got.stderr).toContain(`request id: ${server.requests.at(-1)!.requestId}`);
  });
});

describe('keys and test mode', () => {
  it('refuses a live key with exit 2 before any request, from either variable', async () => {
    for (const env of [{ STRIPE_API_KEY: LIVE }, { STRIPE_API_KEY: undefined, STRIPE_SECRET_KEY: LIVE }]) {
      const r = await sy(['payments', 'create', '--amount', '2000', '--currency', 'usd'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('refusing to use the live key sk_live_…wxyz');
    }
    const flag = await sy(['payments', 'list', '--api-key', LIVE]);
    expect(flag.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it('with --live still asks for confirmation (exit 2 without a terminal), and --yes goes ahead in LIVE MODE', async () => {
    const unconfirmed = await sy(['payments', 'list', '--live'], { STRIPE_API_KEY: LIVE });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('LIVE MODE');
    expect(unconfirmed.stderr).toContain('--yes');
    expect(server.requests).toHaveLength(0);
    const confirmed = await sy(['payments', 'list', '--live', '--yes'], { STRIPE_API_KEY: LIVE });
    // The test server, like any test-mode endpoint, refuses a live key: that is exit 3, and proves it was sent.
    expect(confirmed.code).toBe(3);
    expect(server.requests).toHaveLength(1);
  });

  it('exits 2 when no key is set, or it is not a Stripe secret key', async () => {
    const none = await sy(['payments', 'list'], { STRIPE_API_KEY: undefined });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('STRIPE_API_KEY is not set');
    const publishable = await sy(['payments', 'list', '--api-key', 'pk_test_51Abcdefghijklmnopqrstuvwxyz']);
    expect(publishable.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it('exits 3 when Stripe refuses the key (401) or its permissions (403)', async () => {
    const strict = await startStripeServer({ keys: [KEY], readOnlyKeys: ['rk_test_51ReadOnlyAbcdefghijklmnopq'] });
    try {
      const env = { STRIPE_API_BASE: strict.url };
      const revoked = await sy(['payments', 'list', '--api-key', 'sk_test_51RevokedAbcdefghijklmnopq'], env);
      expect(revoked.code).toBe(3);
      expect(revoked.stderr).toContain('Stripe refused the API key (401)');
      expect(revoked.stderr).not.toContain('sk_test_51RevokedAbcdefghijklmnopq');
      const readOnly = await sy(['payments', 'create', '--amount', '2000', '--currency', 'usd', '--api-key', 'rk_test_51ReadOnlyAbcdefghijklmnopq'], env);
      expect(readOnly.code).toBe(3);
      expect(readOnly.stderr).toContain('(403)');
    } finally {
      await strict.close();
    }
  });
});
