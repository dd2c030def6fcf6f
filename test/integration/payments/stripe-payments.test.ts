import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/errors.js';
import { startStripeServer, type StripeServer, useStripeServer } from '../../support/stripe-server.js';
import { portFor, rejection, TEST_KEY } from './helpers.js';

let server: StripeServer;
useStripeServer((started) => (server = started));

describe('StripePayments against a Stripe-compatible server', () => {
  it('configures the SDK as documented: pinned API version, no telemetry, key as Bearer, our app info', async () => {
    const port = await portFor(server);
    await port.create({ amount: 2000, currency: 'usd' });
    await port.create({ amount: 2000, currency: 'usd' });
    for (const request of server.requests) {
      expect(request.stripeVersion).toBe('2026-10-28.endive');
      expect(request.headers['x-stripe-client-telemetry']).toBeUndefined();
      expect(request.apiKey).toBe(TEST_KEY);
      expect(request.headers['user-agent']).toContain('switchyard');
    }
  });

  it('creates a PaymentIntent and reports it in the DESIGN.md shape with its key and request id', async () => {
    const port = await portFor(server);
    const result = await port.create({
      amount: 2000, currency: 'usd', customer: 'cus_42', metadata: { order: '42' }, idempotencyKey: 'order-42',
    });
    const stored = server.intents.all()[0]!;
    expect(result.intent).toEqual({
      id: stored.id,
      status: 'requires_payment_method',
      amount: 2000,
      currency: 'usd',
      customer: 'cus_42',
      paymentMethod: null,
      captureMethod: 'automatic',
      livemode: false,
      created: new Date((stored.created as number) * 1000).toISOString(),
      metadata: { order: '42' },
      nextAction: null,
      lastPaymentError: null,
      idempotencyKey: 'order-42',
      requestId: server.requests[0]!.requestId,
    });
    expect(result.clientSecret).toBe(stored.client_secret);
    expect(result.replayed).toBe(false);
  });

  it('moves through requires_payment_method, requires_confirmation and succeeded', async () => {
    const port = await portFor(server);
    const created = await port.create({ amount: 1500, currency: 'eur' });
    expect(created.intent.status).toBe('requires_payment_method');
    const confirmed = await port.confirm(created.intent.id, { paymentMethod: 'pm_card_visa' });
    expect(confirmed.intent.status).toBe('succeeded');
    expect(confirmed.intent.paymentMethod).toBe('pm_card_visa');
    const pending = await port.create({ amount: 1500, currency: 'eur', paymentMethod: 'pm_card_visa' });
    expect(pending.intent.status).toBe('requires_confirmation');
    expect((await port.confirm(pending.intent.id)).intent.status).toBe('succeeded');
  });

  it('holds funds with manual capture until captured, and refuses a second capture with exit 2', async () => {
    const port = await portFor(server);
    const held = await port.create({ amount: 5000, currency: 'usd', paymentMethod: 'pm_card_visa', confirm: true, captureMethod: 'manual' });
    expect(held.intent.status).toBe('requires_capture');
    expect((await port.capture(held.intent.id)).intent.status).toBe('succeeded');
    const again = await rejection(port.capture(held.intent.id));
    expect(again.exitCode).toBe(ExitCode.usage);
    expect(again.message).toContain('because it has a status of succeeded');
  });

  it('cancels what has not succeeded, and refuses to cancel twice', async () => {
    const port = await portFor(server);
    const held = await port.create({ amount: 5000, currency: 'usd', paymentMethod: 'pm_card_visa', confirm: true, captureMethod: 'manual' });
    expect((await port.cancel(held.intent.id)).intent.status).toBe('canceled');
    expect((await rejection(port.cancel(held.intent.id))).exitCode).toBe(ExitCode.usage);
  });

  it('turns a declined card into exit 1 with the decline code and leaves the PaymentIntent retryable', async () => {
    const port = await portFor(server);
    const error = await rejection(port.create({ amount: 2000, currency: 'usd', paymentMethod: 'pm_card_insufficientFunds', confirm: true }));
    expect(error.exitCode).toBe(ExitCode.checkFailed);
    expect(error.message).toMatch(/^card declined \(insufficient_funds\): Your card has insufficient funds\. \(pi_\w+ is requires_payment_method\)$/);
    expect(error.requestId).toBe(server.requests[0]!.requestId);
    const id = server.intents.all()[0]!.id;
    const declined = await port.retrieve(id);
    expect(declined.intent.lastPaymentError).toEqual({
      type: 'card_error', code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.',
    });
    expect((await port.confirm(id, { paymentMethod: 'pm_card_visa' })).intent.status).toBe('succeeded');
    const generic = await rejection(port.create({ amount: 2000, currency: 'usd', paymentMethod: 'pm_card_chargeDeclined', confirm: true }));
    expect(generic.message).toContain('card declined (generic_decline): Your card was declined.');
  });

  it('asks for authentication with pm_card_authenticationRequired, and succeeds once the customer has done it', async () => {
    const port = await portFor(server);
    const sdk = await port.create({ amount: 2000, currency: 'usd', paymentMethod: 'pm_card_authenticationRequired', confirm: true });
    expect(sdk.intent.status).toBe('requires_action');
    expect(sdk.intent.nextAction).toEqual({ type: 'use_stripe_sdk', url: null });
    const redirect = await port.create({
      amount: 2000, currency: 'usd', paymentMethod: 'pm_card_authenticationRequired', confirm: true, returnUrl: 'https://shop.example/done',
    });
    expect(redirect.intent.nextAction?.type).toBe('redirect_to_url');
    const page = await fetch(redirect.intent.nextAction!.url!, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`https://shop.example/done?payment_intent=${redirect.intent.id}`);
    expect((await port.retrieve(redirect.intent.id)).intent.status).toBe('succeeded');
  });

  it('reports an unknown id as exit 2 with Stripe\'s message and the parameter', async () => {
    const port = await portFor(server);
    const error = await rejection(port.retrieve('pi_doesNotExist'));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toBe("Stripe rejected the request to retrieve pi_doesNotExist: No such payment_intent: 'pi_doesNotExist' (parameter: intent)");
  });

  it('names the parameter Stripe rejected', async () => {
    const port = await portFor(server);
    const error = await rejection(port.create({ amount: 2000, currency: 'zzz' }));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/Invalid currency: zzz.*\(parameter: currency\)$/);
    expect((await rejection(port.create({ amount: 20, currency: 'usd' }))).message).toContain('(parameter: amount)');
  });

  it('lists newest first, honouring --limit and --customer', async () => {
    const port = await portFor(server);
    const ids: string[] = [];
    for (const customer of ['cus_a', 'cus_b', 'cus_a']) ids.push((await port.create({ amount: 1000, currency: 'usd', customer })).intent.id);
    expect((await port.list({ limit: 2 })).intents.map((pi) => pi.id)).toEqual([ids[2], ids[1]]);
    expect((await port.list({ customer: 'cus_a' })).intents.map((pi) => pi.id)).toEqual([ids[2], ids[0]]);
    expect((await port.list({ customer: 'cus_none' })).intents).toEqual([]);
  });

  it('refuses a live key before any request unless allowed, and then sends it', async () => {
    const live = 'sk_live_51LiveKeyAbcdefghijklmnopqrstuvwxyz';
    const refused = await rejection(portFor(server, {}, live));
    expect(refused.exitCode).toBe(ExitCode.usage);
    expect(refused.message).not.toContain(live);
    expect(server.requests).toHaveLength(0);
    const port = await portFor(server, { allowLive: true }, live);
    expect(port.mode).toBe('live');
    // The test server, like Stripe's test mode, does not know live keys.
    expect((await rejection(port.list())).exitCode).toBe(ExitCode.refused);
  });
});

describe('authentication against the server', () => {
  it('maps 401 and 403 to exit 3', async () => {
    const strict = await startStripeServer({ keys: [TEST_KEY], readOnlyKeys: ['rk_test_51ReadOnlyAbcdefghijklmnop'] });
    try {
      const revoked = await rejection((await portFor(strict, {}, 'sk_test_51RevokedAbcdefghijklmnop')).list());
      expect(revoked.exitCode).toBe(ExitCode.refused);
      expect(revoked.message).toContain('Stripe refused the API key (401)');
      const readOnly = await portFor(strict, {}, 'rk_test_51ReadOnlyAbcdefghijklmnop');
      expect((await readOnly.list()).intents).toEqual([]);
      const forbidden = await rejection(readOnly.create({ amount: 2000, currency: 'usd' }));
      expect(forbidden.exitCode).toBe(ExitCode.refused);
      expect(forbidden.message).toContain('(403)');
    } finally {
      await strict.close();
    }
  });
});
