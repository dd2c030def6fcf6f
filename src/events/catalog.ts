import { checkoutSession } from './checkout.js';
import { customer } from './customer.js';
import { invoice } from './invoice.js';
import { subscription } from './subscription.js';
import { charge, paymentIntent } from './payments.js';
import type { Scene } from './scene.js';

type Obj = Record<string, unknown>;

/** One built-in event template: what it stands for and how to build its `data`. */
export interface EventTemplate {
  type: string;
  description: string;
  /** `data.object`, and for *.updated/refunded events the `previous_attributes` Stripe sends. */
  data(scene: Scene): { object: Obj; previous_attributes?: Obj };
}

/** Every template `webhooks trigger` knows, in the order `--list` shows them. */
export const TEMPLATES: readonly EventTemplate[] = [
  { type: 'payment_intent.created', description: 'a PaymentIntent was created', data: (s) => ({ object: paymentIntent(s, 'created') }) },
  { type: 'payment_intent.succeeded', description: 'a card payment succeeded', data: (s) => ({ object: paymentIntent(s, 'succeeded') }) },
  { type: 'payment_intent.payment_failed', description: 'a card payment was declined', data: (s) => ({ object: paymentIntent(s, 'failed') }) },
  { type: 'payment_intent.canceled', description: 'a PaymentIntent was canceled', data: (s) => ({ object: paymentIntent(s, 'canceled') }) },
  { type: 'charge.succeeded', description: 'a card charge succeeded', data: (s) => ({ object: charge(s, 'succeeded') }) },
  { type: 'charge.failed', description: 'a card charge was declined', data: (s) => ({ object: charge(s, 'failed') }) },
  {
    type: 'charge.refunded',
    description: 'a charge was refunded in full',
    data: (s) => ({ object: charge(s, 'refunded'), previous_attributes: { amount_refunded: 0, refunded: false } }),
  },
  { type: 'checkout.session.completed', description: 'a Checkout Session was paid', data: (s) => ({ object: checkoutSession(s) }) },
  { type: 'customer.created', description: 'a customer was created', data: (s) => ({ object: customer(s) }) },
  { type: 'customer.subscription.created', description: 'a monthly subscription started', data: (s) => ({ object: subscription(s, 'active') }) },
  {
    type: 'customer.subscription.deleted',
    description: 'a subscription was canceled and ended',
    data: (s) => ({ object: subscription(s, 'canceled') }),
  },
  { type: 'invoice.paid', description: "a subscription's invoice was paid", data: (s) => ({ object: invoice(s, 'paid') }) },
  {
    type: 'invoice.payment_failed',
    description: "a subscription's invoice payment failed",
    data: (s) => ({ object: invoice(s, 'failed') }),
  },
];
