import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Stripe-looking id: the object's prefix and random base-62 characters (`pi_3QxY…`). */
export function stripeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${out}`;
}

/**
 * The objects one triggered event talks about, with ids that refer to each other (the charge's payment_intent is
 * the PaymentIntent's id, the invoice's subscription is the subscription's id …), all created "now".
 */
export interface Scene {
  now: number;
  account: string;
  customer: string;
  paymentMethod: string;
  paymentIntent: string;
  charge: string;
  balanceTransaction: string;
  refund: string;
  checkoutSession: string;
  subscription: string;
  subscriptionItem: string;
  price: string;
  product: string;
  invoice: string;
  invoiceLine: string;
  request: string;
  idempotencyKey: string;
  amount: number;
  currency: string;
}

/** A fresh scene; `nowSec` is the `created` of every object (default: now). */
export function newScene(nowSec = Math.floor(Date.now() / 1000)): Scene {
  return {
    now: nowSec,
    account: stripeId('acct', 16),
    customer: stripeId('cus', 14),
    paymentMethod: stripeId('pm'),
    paymentIntent: stripeId('pi'),
    charge: stripeId('ch'),
    balanceTransaction: stripeId('txn'),
    refund: stripeId('re'),
    checkoutSession: stripeId('cs_test', 58),
    subscription: stripeId('sub'),
    subscriptionItem: stripeId('si', 14),
    price: stripeId('price'),
    product: stripeId('prod', 14),
    invoice: stripeId('in'),
    invoiceLine: stripeId('il'),
    request: stripeId('req', 14),
    idempotencyKey: randomUUID(),
    amount: 2000,
    currency: 'usd',
  };
}

export const CUSTOMER_NAME = 'Jenny Rosen';
export const CUSTOMER_EMAIL = 'jenny.rosen@example.com';

export function address(): Record<string, string | null> {
  return { city: 'South San Francisco', country: 'US', line1: '354 Oyster Point Blvd', line2: null, postal_code: '94080', state: 'CA' };
}
