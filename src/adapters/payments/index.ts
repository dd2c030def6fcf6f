import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import type { Clock } from '../../core/clock.js';
import { getSetting, requireSetting, settingLabel, SETTINGS, type Config } from '../../core/config.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { maskSecret } from '../../core/mask.js';
import { keyMode, type KeyMode, type PaymentsPort } from './payments.js';

export * from './payments.js';

/** How the Stripe adapter behaves; every field has a default fit for an interactive CLI. */
export interface PaymentsOptions {
  /** A live key is refused (exit 2, before any request) unless this is true. */
  allowLive?: boolean;
  /** Per attempt: the SDK's socket inactivity timeout (default 30 s). */
  timeoutMs?: number;
  /** Further attempts after the first for transient failures (default 3). */
  retries?: number;
  /** First backoff ceiling, doubled per attempt, with full jitter (default 500 ms). */
  retryBaseMs?: number;
  /** Largest backoff ceiling (default 5 s). */
  retryMaxMs?: number;
  /** A Retry-After longer than this is not waited for (default 30 s): the call fails with exit 4 instead. */
  maxRetryAfterMs?: number;
  /** Share one breaker between ports to the same API (default: one per port). */
  breaker?: CircuitBreaker;
  clock?: Clock;
  random?: () => number;
  /** Stops waiting between retries (ctx.signal). */
  signal?: AbortSignal;
  /** Told before each retry, e.g. to print "Stripe answered 429; retrying in 1.0 s". */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown; action: string }) => void;
}

/** The options with the key and base resolved, as the implementation gets them. */
export interface ResolvedPaymentsOptions extends Omit<PaymentsOptions, 'timeoutMs' | 'retries' | 'retryBaseMs' | 'retryMaxMs' | 'maxRetryAfterMs'> {
  apiKey: string;
  apiBase: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxRetryAfterMs: number;
  /** Where the key and the base came from, as hints name them (--api-key or STRIPE_API_KEY …). */
  keyLabel?: string;
  apiBaseLabel?: string;
}

export const DEFAULT_STRIPE_API_BASE = 'https://api.stripe.com';

/** The Stripe key from the settings, with its mode; a live key without `allowLive` is refused before any request. */
export function resolveStripeKey(config: Config, allowLive: boolean): { apiKey: string; mode: KeyMode } {
  const apiKey = requireSetting(config, 'stripeApiKey', 'set it or pass --api-key; test keys start with sk_test_');
  const mode = keyMode(apiKey);
  if (mode === 'live' && !allowLive) {
    const source = config.settings.stripeApiKey?.source ?? SETTINGS.stripeApiKey.env[0];
    throw new UsageError(`refusing to use the live key ${maskSecret(apiKey)} (from ${source}) without --live`, {
      hint: 'use a test key (sk_test_…) or pass --live to move real money',
    });
  }
  return { apiKey, mode };
}

/** The API base from the settings: only scheme, host and port are honoured (the SDK always adds /v1/). */
export function resolveStripeApiBase(config: Config): string {
  const value = getSetting(config, 'stripeApiBase') ?? DEFAULT_STRIPE_API_BASE;
  const url = new URL(value);
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(`invalid ${settingLabel(config, 'stripeApiBase')} "${value}": it must not have a path`, {
      hint: 'give only scheme, host and port, e.g. http://127.0.0.1:12111',
    });
  }
  return url.origin;
}

/**
 * The PaymentsPort for the configured Stripe account. Checks the key first (no request leaves with a live key
 * unless allowed), then loads the stripe SDK: it costs about 100 ms, so only commands that call the API pay it.
 */
export async function createPaymentsPort(config: Config, options: PaymentsOptions = {}): Promise<PaymentsPort> {
  const { apiKey } = resolveStripeKey(config, options.allowLive === true);
  const apiBase = resolveStripeApiBase(config);
  const { StripePayments } = await import('./stripe-payments.js');
  return new StripePayments({
    ...options,
    apiKey,
    apiBase,
    keyLabel: settingLabel(config, 'stripeApiKey'),
    apiBaseLabel: config.settings.stripeApiBase?.source === 'default' ? undefined : settingLabel(config, 'stripeApiBase'),
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 3,
    retryBaseMs: options.retryBaseMs ?? 500,
    retryMaxMs: options.retryMaxMs ?? 5_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
  });
}
