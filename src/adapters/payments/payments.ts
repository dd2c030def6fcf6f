import { randomUUID } from 'node:crypto';

/** PaymentIntent statuses, in the order a payment usually moves through them. */
export type PaymentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

/** What the customer (or the integration) must do next, when the status is requires_action. */
export interface NextAction {
  /** Stripe's next_action.type: redirect_to_url, use_stripe_sdk, verify_with_microdeposits, … */
  type: string;
  /** Where to send the customer (redirect_to_url only). */
  url: string | null;
}

/** Why the last confirmation failed (a declined card, for instance); null when it did not. */
export interface PaymentError {
  type: string | null;
  code: string | null;
  declineCode: string | null;
  message: string | null;
}

/** A PaymentIntent as switchyard shows it: the `--json` document of DESIGN.md, camelCase. */
export interface PaymentIntentSummary {
  id: string;
  status: PaymentStatus;
  /** Minor units of `currency`. */
  amount: number;
  /** Lower case, as Stripe returns it. */
  currency: string;
  customer: string | null;
  paymentMethod: string | null;
  captureMethod: string;
  livemode: boolean;
  /** ISO 8601. */
  created: string;
  metadata: Record<string, string>;
  nextAction: NextAction | null;
  lastPaymentError: PaymentError | null;
  /** The key the request was sent with; null for reads. */
  idempotencyKey: string | null;
  /** Stripe's Request-Id for the call that returned this, for support tickets. */
  requestId: string | null;
}

/** A PaymentIntent summary plus the parts that must never be printed whole, kept apart from the JSON shape. */
export interface PaymentIntentResult {
  intent: PaymentIntentSummary;
  /** The client secret as Stripe returned it; render it only masked (maskClientSecret). */
  clientSecret: string | null;
  /** True when Stripe replayed an earlier answer for the same idempotency key (Idempotent-Replayed). */
  replayed: boolean;
}

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  customer?: string;
  paymentMethod?: string;
  confirm?: boolean;
  captureMethod?: 'automatic' | 'manual';
  description?: string;
  metadata?: Record<string, string>;
  /** Where the customer returns after authenticating (makes next_action a redirect_to_url). */
  returnUrl?: string;
  /** Generated when absent; the same key goes out on every attempt. */
  idempotencyKey?: string;
}

export interface ConfirmPaymentInput {
  paymentMethod?: string;
  returnUrl?: string;
  idempotencyKey?: string;
}

/** One page of PaymentIntents, newest first. */
export interface PaymentIntentList {
  intents: PaymentIntentSummary[];
  /** Stripe's Request-Id of the list call (also on each summary). */
  requestId: string | null;
}

export interface ListPaymentsInput {
  limit?: number;
  customer?: string;
}

/** Keys are either test or live; the mode decides whether real money moves. */
export type KeyMode = 'test' | 'live';

/**
 * PaymentIntents, whatever the provider: what `switchyard payments` and `smoke` talk to. Every write carries an
 * idempotency key that stays the same on every retry, so a retried call never creates a second PaymentIntent.
 */
export interface PaymentsPort {
  readonly mode: KeyMode;
  create(input: CreatePaymentInput): Promise<PaymentIntentResult>;
  retrieve(id: string): Promise<PaymentIntentResult>;
  list(input?: ListPaymentsInput): Promise<PaymentIntentList>;
  confirm(id: string, input?: ConfirmPaymentInput): Promise<PaymentIntentResult>;
  capture(id: string, input?: { idempotencyKey?: string }): Promise<PaymentIntentResult>;
  cancel(id: string, input?: { idempotencyKey?: string }): Promise<PaymentIntentResult>;
}

/** A fresh idempotency key, recognisable as ours in Stripe's request logs. */
export function newIdempotencyKey(): string {
  return `sy_${randomUUID()}`;
}

/** `sk_live_…`/`rk_live_…` is live, everything else test. */
export function keyMode(apiKey: string): KeyMode {
  return /^(sk|rk)_live_/.test(apiKey) ? 'live' : 'test';
}

/** A client secret with its secret half hidden: `pi_123_secret_…wxyz`. */
export function maskClientSecret(secret: string): string {
  const at = secret.indexOf('_secret_');
  if (at < 0) return '…';
  const rest = secret.slice(at + '_secret_'.length);
  return `${secret.slice(0, at)}_secret_…${rest.length >= 12 ? rest.slice(-4) : ''}`;
}
