import { createPaymentsPort, type PaymentsOptions, type PaymentsPort } from '../../../src/adapters/payments/index.js';
import { loadConfig } from '../../../src/core/config.js';
import type { StripeServer } from '../../support/stripe-server.js';

export const TEST_KEY = 'sk_test_51IntegrationKeyAbcdefghijklmnopqrstu';

/** A port on the real SDK pointed at the test server, with millisecond backoff so retries cost no time. */
export function portFor(server: StripeServer, options: PaymentsOptions = {}, key = TEST_KEY): Promise<PaymentsPort> {
  const config = loadConfig({ STRIPE_API_KEY: key, STRIPE_API_BASE: server.url }, {});
  return createPaymentsPort(config, { retryBaseMs: 1, retryMaxMs: 5, ...options });
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { exitCode?: number; code?: string; hint?: string; requestId?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
