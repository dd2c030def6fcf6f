import { createRequire } from 'node:module';
import type Stripe from 'stripe';
import { CircuitBreaker } from '../../core/circuit-breaker.js';
import { systemClock } from '../../core/clock.js';
import { retry } from '../../core/retry.js';
import {
  keyMode,
  newIdempotencyKey,
  type ConfirmPaymentInput,
  type CreatePaymentInput,
  type KeyMode,
  type ListPaymentsInput,
  type PaymentIntentResult,
  type PaymentIntentList,
  type PaymentsPort,
} from './payments.js';
import { classifyStripeError, isTransientStripeError, mapStripeError } from './stripe-errors.js';
import { summarize } from './stripe-summary.js';
import type { ResolvedPaymentsOptions } from './index.js';

/**
 * The SDK's CommonJS build, required rather than imported: it loads in about 85 ms against about 135 ms for its ESM
 * build (measured on this machine), and every `payments` run pays it. This module itself is loaded lazily.
 */
const StripeSdk = createRequire(import.meta.url)('stripe') as typeof Stripe;

/**
 * The API version switchyard is written against: the one stripe 23.x pins. Stated here, not taken from the SDK,
 * so that an SDK upgrade which moves it fails the type check instead of silently changing what Stripe returns.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive';

interface Call<T> {
  value: T;
  requestId: string | null;
  replayed: boolean;
}

type WithResponse = { lastResponse?: { requestId?: string; headers?: Record<string, string> } };

/**
 * PaymentsPort on the stripe SDK. The SDK's own retries are off (maxNetworkRetries 0); core/retry does them,
 * because the SDK neither retries a plain 429 nor waits for Retry-After. Every write gets one idempotency key that
 * goes out unchanged on every attempt. Note: the SDK still retries a reset connection (ECONNRESET/EPIPE) once on
 * its own, whatever maxNetworkRetries says; that retry reuses the request's headers, so the key is the same too.
 */
export class StripePayments implements PaymentsPort {
  readonly mode: KeyMode;
  private readonly client: Stripe;
  private readonly breaker: CircuitBreaker;

  constructor(private readonly options: ResolvedPaymentsOptions) {
    this.mode = keyMode(options.apiKey);
    const base = new URL(options.apiBase);
    this.client = new StripeSdk(options.apiKey, {
      apiVersion: STRIPE_API_VERSION,
      telemetry: false,
      maxNetworkRetries: 0,
      timeout: options.timeoutMs,
      host: base.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: base.port || (base.protocol === 'http:' ? 80 : 443),
      protocol: base.protocol === 'http:' ? 'http' : 'https',
      appInfo: { name: 'switchyard', url: 'https://github.com/switchyard-cli/switchyard' },
    });
    this.breaker =
      options.breaker ??
      new CircuitBreaker({ name: `Stripe API at ${base.origin}`, failureThreshold: 5, resetTimeoutMs: 30_000, clock: options.clock });
  }

  async create(input: CreatePaymentInput): Promise<PaymentIntentResult> {
    const key = input.idempotencyKey ?? newIdempotencyKey();
    const params: Stripe.PaymentIntentCreateParams = {
      amount: input.amount,
      currency: input.currency,
      ...(input.customer && { customer: input.customer }),
      ...(input.paymentMethod && { payment_method: input.paymentMethod }),
      ...(input.confirm && { confirm: true }),
      ...(input.captureMethod && { capture_method: input.captureMethod }),
      ...(input.description && { description: input.description }),
      ...(input.metadata && Object.keys(input.metadata).length > 0 && { metadata: input.metadata }),
      ...(input.returnUrl && { return_url: input.returnUrl }),
    };
    const call = await this.call('create the PaymentIntent', key, (opts) => this.client.paymentIntents.create(params, opts));
    return this.result(call, key);
  }

  async retrieve(id: string): Promise<PaymentIntentResult> {
    const call = await this.call(`retrieve ${id}`, null, (opts) => this.client.paymentIntents.retrieve(id, {}, opts));
    return this.result(call, null);
  }

  async list(input: ListPaymentsInput = {}): Promise<PaymentIntentList> {
    const params: Stripe.PaymentIntentListParams = {
      ...(input.limit !== undefined && { limit: input.limit }),
      ...(input.customer && { customer: input.customer }),
    };
    const call = await this.call('list PaymentIntents', null, (opts) => this.client.paymentIntents.list(params, opts));
    const intents = call.value.data.map((pi) => summarize(pi, { idempotencyKey: null, requestId: call.requestId }));
    return { intents, requestId: call.requestId };
  }

  async confirm(id: string, input: ConfirmPaymentInput = {}): Promise<PaymentIntentResult> {
    const key = input.idempotencyKey ?? newIdempotencyKey();
    const params: Stripe.PaymentIntentConfirmParams = {
      ...(input.paymentMethod && { payment_method: input.paymentMethod }),
      ...(input.returnUrl && { return_url: input.returnUrl }),
    };
    const call = await this.call(`confirm ${id}`, key, (opts) => this.client.paymentIntents.confirm(id, params, opts));
    return this.result(call, key);
  }

  async capture(id: string, input: { idempotencyKey?: string } = {}): Promise<PaymentIntentResult> {
    const key = input.idempotencyKey ?? newIdempotencyKey();
    const call = await this.call(`capture ${id}`, key, (opts) => this.client.paymentIntents.capture(id, {}, opts));
    return this.result(call, key);
  }

  async cancel(id: string, input: { idempotencyKey?: string } = {}): Promise<PaymentIntentResult> {
    const key = input.idempotencyKey ?? newIdempotencyKey();
    const call = await this.call(`cancel ${id}`, key, (opts) => this.client.paymentIntents.cancel(id, {}, opts));
    return this.result(call, key);
  }

  private result(call: Call<Stripe.PaymentIntent>, key: string | null): PaymentIntentResult {
    return {
      intent: summarize(call.value, { idempotencyKey: key, requestId: call.requestId }),
      clientSecret: call.value.client_secret ?? null,
      replayed: call.replayed,
    };
  }

  /**
   * One API call through the circuit breaker and the retry loop, with the same idempotency key on every attempt.
   * Errors come out mapped to SwitchyardErrors with their exit codes.
   */
  private async call<T extends WithResponse>(
    action: string,
    idempotencyKey: string | null,
    fn: (opts: Stripe.RequestOptions) => Promise<T>,
  ): Promise<Call<T>> {
    const o = this.options;
    const clock = o.clock ?? systemClock;
    let attempts = 0;
    const requestOptions: Stripe.RequestOptions = {
      timeout: o.timeoutMs,
      ...(idempotencyKey !== null && { idempotencyKey }),
    };
    try {
      const value = await this.breaker.run(
        () =>
          retry(
            () => {
              attempts += 1;
              return fn(requestOptions);
            },
            {
              retries: o.retries,
              baseMs: o.retryBaseMs,
              maxMs: o.retryMaxMs,
              maxRetryAfterMs: o.maxRetryAfterMs,
              classify: (error) => classifyStripeError(error, clock.now()),
              signal: o.signal,
              clock,
              random: o.random,
              onRetry: (info) => o.onRetry?.({ ...info, action }),
            },
          ),
        isTransientStripeError,
      );
      const response = value.lastResponse;
      return {
        value,
        requestId: response?.requestId ?? null,
        replayed: response?.headers?.['idempotent-replayed'] === 'true',
      };
    } catch (error) {
      throw mapStripeError(error, {
        action,
        apiBase: o.apiBase,
        keyLabel: o.keyLabel,
        apiBaseLabel: o.apiBaseLabel,
        secrets: [o.apiKey],
        attempts,
        idempotencyKey: idempotencyKey ?? undefined,
        interrupted: o.signal?.aborted === true,
      });
    }
  }
}
