import {
  AuthError,
  CheckFailedError,
  InterruptedError,
  SwitchyardError,
  UnavailableError,
  UsageError,
} from '../../core/errors.js';
import { redact } from '../../core/mask.js';
import { parseRetryAfter, type RetryDecision } from '../../core/retry.js';

/**
 * The fields of a stripe-node error this module reads. The SDK sets `type` to the class name
 * (StripeCardError, …) and picks the class by HTTP status, so both are checked here without importing the SDK.
 */
export interface StripeErrorLike {
  type?: string;
  rawType?: string;
  statusCode?: number;
  code?: string;
  decline_code?: string;
  param?: string;
  message?: string;
  requestId?: string;
  headers?: Record<string, string | string[] | undefined>;
  payment_intent?: { id?: string; status?: string } | null;
}

/** True for anything thrown by stripe-node (every class there has a `type` starting with "Stripe"). */
export function isStripeError(error: unknown): error is StripeErrorLike & Error {
  return error instanceof Error && typeof (error as StripeErrorLike).type === 'string' && (error as StripeErrorLike).type!.startsWith('Stripe');
}

function header(error: StripeErrorLike, name: string): string | undefined {
  const value = error.headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether a failed call is worth another attempt, in the SDK's own order: Stripe-Should-Retry wins either way;
 * then connection errors (timeouts included), 409, 429 (waiting the Retry-After it gives) and 5xx. Other 4xx never.
 */
export function classifyStripeError(error: unknown, nowMs = Date.now()): RetryDecision {
  if (!isStripeError(error)) return { retry: false };
  if (error.type === 'StripeConnectionError') return { retry: true };
  const shouldRetry = header(error, 'stripe-should-retry');
  const retryAfterMs = parseRetryAfter(header(error, 'retry-after'), nowMs);
  if (shouldRetry === 'false') return { retry: false };
  if (shouldRetry === 'true') return { retry: true, retryAfterMs };
  const status = error.statusCode ?? 0;
  if (status === 409 || status === 429 || status >= 500 || error.type === 'StripeRateLimitError') {
    return { retry: true, retryAfterMs };
  }
  // Invalid JSON or a body cut short comes without a status: the answer was garbled in transit.
  if (error.type === 'StripeAPIError' && status === 0) return { retry: true };
  return { retry: false };
}

/** True when the failure says the service is unwell (it counts against the circuit breaker), not the request. */
export function isTransientStripeError(error: unknown): boolean {
  if (!isStripeError(error)) return false;
  if (error.type === 'StripeConnectionError' || error.type === 'StripeRateLimitError') return true;
  const status = error.statusCode ?? 0;
  return status === 409 || status === 429 || status >= 500 || (error.type === 'StripeAPIError' && status === 0);
}

export interface MapContext {
  /** e.g. "create the PaymentIntent", "capture pi_123". */
  action: string;
  /** Where the request went, for network errors: https://api.stripe.com or the local server. */
  apiBase: string;
  /** Secrets that must not leak through a quoted message. */
  secrets: string[];
  /** Attempts made, for "after 4 attempts". */
  attempts: number;
  /** The write's idempotency key: retrying with it is safe, so the hint names it. */
  idempotencyKey?: string;
  interrupted?: boolean;
  /** The flag or variable the key came from (--api-key, STRIPE_API_KEY …): hints name only that one. */
  keyLabel?: string;
  /** Likewise for the API base; undefined when it is the default. */
  apiBaseLabel?: string;
}

/**
 * A stripe-node error as a SwitchyardError with its exit code: card error 1 (with the decline code), invalid
 * request 2 (naming the parameter), 401/403 3, network/5xx/409/429 4. Stripe's request id rides along for
 * --verbose. Anything else is returned unchanged.
 */
export function mapStripeError(error: unknown, ctx: MapContext): unknown {
  if (error instanceof SwitchyardError) return error;
  if (ctx.interrupted) return new InterruptedError('interrupted', { cause: error });
  if (!isStripeError(error)) return error;
  const clean = (text: string | undefined) => redact((text ?? '').trim(), ctx.secrets).replace(/\s+/g, ' ');
  const message = clean(error.message) || `HTTP ${error.statusCode ?? 'error'}`;
  const details = { cause: error, requestId: error.requestId };
  const retryHint = ctx.idempotencyKey
    ? `retrying is safe with --idempotency-key ${ctx.idempotencyKey}`
    : 'try again later';
  const after = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : '';

  switch (error.type) {
    case 'StripeCardError': {
      const reason = error.decline_code ?? error.code ?? 'card_error';
      const pi = error.payment_intent?.id;
      const where = pi ? ` (${pi} is ${error.payment_intent?.status ?? 'not charged'})` : '';
      return new CheckFailedError(`card declined (${reason}): ${message}${where}`, {
        ...details,
        hint: 'try another payment method; in test mode pm_card_visa succeeds',
      }, 'card_declined');
    }
    case 'StripeIdempotencyError':
      return new UsageError(`idempotency key reused with other parameters: ${message}`, {
        ...details,
        hint: 'repeat the request with exactly the same parameters, or use a new --idempotency-key',
      });
    case 'StripeInvalidRequestError': {
      const param = error.param ? ` (parameter: ${error.param})` : '';
      const hint = error.code === 'resource_missing'
        ? 'check the id, and that the key belongs to the account (and mode) that holds it'
        : error.param ? `check the value given for ${error.param}` : undefined;
      return new UsageError(`Stripe rejected the request to ${ctx.action}: ${message}${param}`, { ...details, hint });
    }
    case 'StripeAuthenticationError':
      return new AuthError(`Stripe refused the API key (401): ${message}`, {
        ...details,
        hint: `check ${ctx.keyLabel ?? 'STRIPE_API_KEY or --api-key'}; test keys start with sk_test_ or rk_test_`,
      });
    case 'StripePermissionError':
      return new AuthError(`the API key may not ${ctx.action} (403): ${message}`, {
        ...details,
        hint: 'use a secret key, or give this restricted key write access to PaymentIntents',
      });
    case 'StripeRateLimitError':
      return new UnavailableError(`Stripe is rate limiting requests (429)${after}: ${message}`, {
        ...details,
        hint: `slow down and ${retryHint}`,
      }, 'rate_limited');
    case 'StripeConnectionError':
      return new UnavailableError(`could not reach Stripe at ${ctx.apiBase}${after}: ${message}`, {
        ...details,
        hint: `check the network${ctx.apiBaseLabel ? `, ${ctx.apiBaseLabel}` : ''} or --timeout; ${retryHint}`,
      });
    case 'StripeAPIError': {
      const status = error.statusCode ? ` (${error.statusCode})` : '';
      return new UnavailableError(`Stripe failed to ${ctx.action}${status}${after}: ${message}`, {
        ...details,
        hint: retryHint,
      });
    }
    default:
      return new UnavailableError(`Stripe call failed: ${message}`, { ...details, hint: retryHint });
  }
}
