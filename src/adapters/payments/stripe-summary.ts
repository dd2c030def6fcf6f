import type { NextAction, PaymentError, PaymentIntentSummary, PaymentStatus } from './payments.js';

/**
 * The parts of a Stripe PaymentIntent object read here. Written out rather than imported from the SDK so this
 * module (and its tests) never load it; stripe-payments.ts passes the SDK's objects, which fit this shape.
 */
export interface StripePaymentIntentLike {
  id: string;
  status: string;
  amount: number;
  currency: string;
  customer?: string | { id: string } | null;
  payment_method?: string | { id: string } | null;
  capture_method?: string | null;
  livemode?: boolean;
  created: number;
  metadata?: Record<string, string> | null;
  client_secret?: string | null;
  next_action?: { type: string; redirect_to_url?: { url?: string | null } | null } | null;
  last_payment_error?: {
    type?: string | null;
    code?: string | null;
    decline_code?: string | null;
    message?: string | null;
  } | null;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function nextActionOf(value: StripePaymentIntentLike['next_action']): NextAction | null {
  if (!value) return null;
  return { type: value.type, url: value.redirect_to_url?.url ?? null };
}

function errorOf(value: StripePaymentIntentLike['last_payment_error']): PaymentError | null {
  if (!value) return null;
  return {
    type: value.type ?? null,
    code: value.code ?? null,
    declineCode: value.decline_code ?? null,
    message: value.message ?? null,
  };
}

/** Stripe's snake_case PaymentIntent as the camelCase document of DESIGN.md. */
export function summarize(
  pi: StripePaymentIntentLike,
  call: { idempotencyKey: string | null; requestId: string | null },
): PaymentIntentSummary {
  return {
    id: pi.id,
    status: pi.status as PaymentStatus,
    amount: pi.amount,
    currency: pi.currency,
    customer: idOf(pi.customer),
    paymentMethod: idOf(pi.payment_method),
    captureMethod: pi.capture_method ?? 'automatic',
    livemode: pi.livemode === true,
    created: new Date(pi.created * 1000).toISOString(),
    metadata: { ...(pi.metadata ?? {}) },
    nextAction: nextActionOf(pi.next_action),
    lastPaymentError: errorOf(pi.last_payment_error),
    idempotencyKey: call.idempotencyKey,
    requestId: call.requestId,
  };
}
