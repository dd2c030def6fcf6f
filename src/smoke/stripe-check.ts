import { createPaymentsPort, type PaymentsPort } from '../adapters/payments/index.js';
import { UsageError } from '../core/errors.js';
import { SkipCheck, type Check } from './types.js';

function expectStatus(what: string, actual: string, wanted: string): void {
  if (actual !== wanted) throw new Error(`${what} is ${actual}, expected ${wanted}`);
}

/**
 * Creates and confirms a PaymentIntent with pm_card_visa (expects succeeded), retrieves it, then creates a second
 * one and cancels it. A live key is never used, whatever the flags: smoke checks are for sandbox keys.
 */
export const stripeCheck: Check = async (ctx, input, signal) => {
  if (!ctx.config.settings.stripeApiKey) throw new SkipCheck('STRIPE_API_KEY is not set');
  let payments: PaymentsPort;
  try {
    payments = await createPaymentsPort(ctx.config, { allowLive: false, timeoutMs: input.timeoutMs, retries: 2, signal });
  } catch (error) {
    if (error instanceof UsageError && /live key/.test(error.message)) {
      throw new Error(`${error.message}: smoke never runs with a live key; use a test key (sk_test_…)`);
    }
    throw error;
  }
  const metadata = { source: 'switchyard smoke' };
  const paid = await payments.create({
    amount: 100,
    currency: 'usd',
    paymentMethod: 'pm_card_visa',
    confirm: true,
    // Real Stripe confirms server-side only with a return URL (or redirects disabled); it is never visited.
    returnUrl: 'https://example.com/switchyard-smoke-return',
    description: 'switchyard smoke check',
    metadata,
  });
  expectStatus(`PaymentIntent ${paid.intent.id}`, paid.intent.status, 'succeeded');
  const fetched = await payments.retrieve(paid.intent.id);
  expectStatus(`retrieved PaymentIntent ${paid.intent.id}`, fetched.intent.status, 'succeeded');
  const second = await payments.create({ amount: 100, currency: 'usd', description: 'switchyard smoke check (canceled)', metadata });
  const canceled = await payments.cancel(second.intent.id);
  expectStatus(`PaymentIntent ${second.intent.id}`, canceled.intent.status, 'canceled');
  return `${paid.intent.id} succeeded and was retrieved; ${second.intent.id} canceled (${payments.mode} mode)`;
};
