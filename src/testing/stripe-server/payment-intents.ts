import { ApiError, invalidRequest, missing } from './api-error.js';
import type { FormObject } from './form.js';
import { allowOnly, bool, int, metadataOf, randomId, str } from './params.js';

/** What a test payment method does when a PaymentIntent is confirmed with it (Stripe's documented test ids). */
interface TestCard {
  brand: string;
  last4: string;
  outcome: 'succeed' | 'decline' | 'authenticate';
  code?: string;
  declineCode?: string;
  message?: string;
}

export const TEST_PAYMENT_METHODS: Record<string, TestCard> = {
  pm_card_visa: { brand: 'visa', last4: '4242', outcome: 'succeed' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', outcome: 'succeed' },
  pm_card_chargeDeclined: {
    brand: 'visa', last4: '0002', outcome: 'decline', code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.',
  },
  pm_card_insufficientFunds: {
    brand: 'visa', last4: '9995', outcome: 'decline', code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.',
  },
  pm_card_chargeDeclinedExpiredCard: {
    brand: 'visa', last4: '0069', outcome: 'decline', code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.',
  },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', outcome: 'authenticate' },
};

const CURRENCIES = new Set(
  ('usd eur gbp cad aud nzd chf sek nok dkk pln czk huf isk ron bgn try ils aed sar qar inr sgd hkd twd thb myr php ' +
    'idr mxn brl ars cop pen zar ngn kes egp mad cny jpy krw vnd clp pyg ugx bif djf gnf kmf mga rwf vuv xaf xof xpf ' +
    'bhd jod kwd omr tnd').split(' '),
);
const MIN_TWO_DECIMAL_AMOUNT: Record<string, number> = { usd: 50, eur: 50, gbp: 30, cad: 50, aud: 50, chf: 50 };
const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export type PaymentIntentObject = Record<string, unknown> & { id: string; status: string; amount: number };

/**
 * PaymentIntents with the real API's status machine:
 * requires_payment_method → requires_confirmation → (requires_action →) succeeded, or requires_capture → succeeded
 * with manual capture; canceled from any status that is not final. Declines leave it in requires_payment_method.
 */
export class PaymentIntentStore {
  private readonly intents = new Map<string, PaymentIntentObject>();
  private readonly order: string[] = [];

  constructor(private readonly origin: () => string) {}

  all(): PaymentIntentObject[] {
    return this.order.map((id) => this.intents.get(id)!);
  }

  create(params: FormObject): PaymentIntentObject {
    allowOnly(params, [
      'amount', 'currency', 'customer', 'payment_method', 'confirm', 'capture_method', 'description', 'metadata',
      'return_url', 'payment_method_types', 'automatic_payment_methods', 'receipt_email', 'expand',
    ]);
    const amount = int(params, 'amount');
    if (amount === undefined) throw invalidRequest('Missing required param: amount.', 'amount', 'parameter_missing');
    const currency = str(params, 'currency');
    if (currency === undefined) throw invalidRequest('Missing required param: currency.', 'currency', 'parameter_missing');
    if (!CURRENCIES.has(currency)) {
      throw invalidRequest(`Invalid currency: ${currency}. Stripe currently supports these currencies: ${[...CURRENCIES].join(', ')}`, 'currency', 'invalid_currency');
    }
    if (amount < 1) throw invalidRequest('This value must be greater than or equal to 1.', 'amount', 'parameter_invalid_integer');
    const min = MIN_TWO_DECIMAL_AMOUNT[currency];
    if (min !== undefined && amount < min) {
      throw invalidRequest(`Amount must be at least ${(min / 100).toFixed(2)} ${currency}`, 'amount', 'amount_too_small');
    }
    if (amount > 99_999_999) throw invalidRequest('Amount must be no more than 999,999.99', 'amount', 'amount_too_large');
    const captureMethod = str(params, 'capture_method') ?? 'automatic';
    if (!['automatic', 'automatic_async', 'manual'].includes(captureMethod)) {
      throw invalidRequest('Invalid capture_method: must be one of automatic, automatic_async, or manual', 'capture_method', 'parameter_invalid_string');
    }
    const customer = str(params, 'customer');
    if (customer !== undefined && !/^cus_[A-Za-z0-9]+$/.test(customer)) throw missing('customer', customer, 'customer', 400);
    const paymentMethod = this.paymentMethod(params);
    const confirm = bool(params, 'confirm');
    if (confirm && !paymentMethod) {
      throw invalidRequest(
        "You cannot confirm this PaymentIntent because it's missing a payment method. Update it with a payment method and then confirm it again.",
        'payment_method',
        'payment_intent_unexpected_state',
      );
    }
    const id = randomId('pi_');
    const pi: PaymentIntentObject = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      capture_method: captureMethod,
      client_secret: `${id}_secret_${randomId('', 25)}`,
      confirmation_method: 'automatic',
      created: Math.floor(Date.now() / 1000),
      currency,
      customer: customer ?? null,
      description: str(params, 'description') ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: metadataOf(params.metadata),
      next_action: null,
      payment_method: paymentMethod ?? null,
      payment_method_types: ['card'],
      status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
      canceled_at: null,
      cancellation_reason: null,
    };
    this.intents.set(id, pi);
    this.order.push(id);
    if (confirm) this.runConfirmation(pi, str(params, 'return_url'));
    return pi;
  }

  retrieve(id: string): PaymentIntentObject {
    const pi = this.intents.get(id);
    if (!pi) throw missing('payment_intent', id, 'intent');
    return pi;
  }

  list(params: FormObject): Record<string, unknown> {
    allowOnly(params, ['limit', 'customer', 'starting_after', 'ending_before', 'created', 'expand']);
    const limit = int(params, 'limit') ?? 10;
    if (limit < 1 || limit > 100) throw invalidRequest('This value must be between 1 and 100.', 'limit', 'parameter_invalid_integer');
    const customer = str(params, 'customer');
    let rows = this.all().reverse().filter((pi) => customer === undefined || pi.customer === customer);
    const after = str(params, 'starting_after');
    if (after !== undefined) {
      const at = rows.findIndex((pi) => pi.id === after);
      if (at < 0) throw missing('payment_intent', after, 'starting_after', 400);
      rows = rows.slice(at + 1);
    }
    return { object: 'list', data: rows.slice(0, limit), has_more: rows.length > limit, url: '/v1/payment_intents' };
  }

  confirm(id: string, params: FormObject): PaymentIntentObject {
    allowOnly(params, ['payment_method', 'return_url', 'expand', 'capture_method', 'receipt_email']);
    const pi = this.retrieve(id);
    if (!CONFIRMABLE.includes(pi.status)) {
      throw this.unexpectedState(pi, 'confirm', CONFIRMABLE);
    }
    const paymentMethod = this.paymentMethod(params);
    if (paymentMethod) pi.payment_method = paymentMethod;
    if (!pi.payment_method) {
      throw invalidRequest(
        "You cannot confirm this PaymentIntent because it's missing a payment method. Update it with a payment method and then confirm it again.",
        'payment_method',
        'payment_intent_unexpected_state',
      );
    }
    this.runConfirmation(pi, str(params, 'return_url'));
    return pi;
  }

  capture(id: string, params: FormObject): PaymentIntentObject {
    allowOnly(params, ['amount_to_capture', 'expand', 'metadata']);
    const pi = this.retrieve(id);
    if (pi.status !== 'requires_capture') throw this.unexpectedState(pi, 'capture', ['requires_capture']);
    const amount = int(params, 'amount_to_capture') ?? pi.amount;
    if (amount < 1 || amount > pi.amount) {
      throw invalidRequest(`amount_to_capture must be between 1 and ${pi.amount}`, 'amount_to_capture', 'amount_too_large');
    }
    Object.assign(pi, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
    return pi;
  }

  cancel(id: string, params: FormObject): PaymentIntentObject {
    allowOnly(params, ['cancellation_reason', 'expand']);
    const pi = this.retrieve(id);
    if (!CANCELABLE.includes(pi.status)) throw this.unexpectedState(pi, 'cancel', CANCELABLE);
    const reason = str(params, 'cancellation_reason') ?? null;
    if (reason !== null && !['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'].includes(reason)) {
      throw invalidRequest(`Invalid cancellation_reason: ${reason}`, 'cancellation_reason', 'parameter_invalid_string');
    }
    Object.assign(pi, {
      status: 'canceled', canceled_at: Math.floor(Date.now() / 1000), cancellation_reason: reason, next_action: null, amount_capturable: 0,
    });
    return pi;
  }

  /** The customer finished (or failed) the 3-D Secure step of a requires_action PaymentIntent. */
  completeAction(id: string, succeed = true): PaymentIntentObject {
    const pi = this.retrieve(id);
    if (pi.status !== 'requires_action') throw new Error(`${id} is ${pi.status}, not requires_action`);
    pi.next_action = null;
    if (succeed) this.settle(pi);
    else {
      Object.assign(pi, {
        status: 'requires_payment_method',
        last_payment_error: {
          type: 'card_error',
          code: 'payment_intent_authentication_failure',
          message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
        },
        payment_method: null,
      });
    }
    return pi;
  }

  /** Moves a PaymentIntent to any status, for states the test cards cannot reach (processing). */
  setStatus(id: string, status: string): PaymentIntentObject {
    const pi = this.retrieve(id);
    pi.status = status;
    return pi;
  }

  private paymentMethod(params: FormObject): string | undefined {
    const pm = str(params, 'payment_method');
    if (pm !== undefined && !(pm in TEST_PAYMENT_METHODS)) throw missing('PaymentMethod', pm, 'payment_method', 400);
    return pm;
  }

  private settle(pi: PaymentIntentObject): void {
    pi.latest_charge = randomId('ch_');
    if (pi.capture_method === 'manual') Object.assign(pi, { status: 'requires_capture', amount_capturable: pi.amount });
    else Object.assign(pi, { status: 'succeeded', amount_received: pi.amount });
  }

  private runConfirmation(pi: PaymentIntentObject, returnUrl: string | undefined): void {
    const pmId = pi.payment_method as string;
    const card = TEST_PAYMENT_METHODS[pmId]!;
    pi.last_payment_error = null;
    if (card.outcome === 'succeed') return this.settle(pi);
    if (card.outcome === 'authenticate') {
      pi.status = 'requires_action';
      const auth = `${this.origin()}/3ds/${pi.id}/authenticate`;
      pi.next_action = returnUrl
        ? { type: 'redirect_to_url', redirect_to_url: { url: auth, return_url: returnUrl } }
        : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: auth } };
      return;
    }
    const paymentMethod = { id: pmId, object: 'payment_method', type: 'card', card: { brand: card.brand, last4: card.last4 } };
    const error = { type: 'card_error', code: card.code, decline_code: card.declineCode, message: card.message, payment_method: paymentMethod };
    Object.assign(pi, { status: 'requires_payment_method', payment_method: null, last_payment_error: error, latest_charge: randomId('ch_') });
    throw new ApiError(402, {
      ...error,
      charge: pi.latest_charge,
      doc_url: `https://docs.stripe.com/error-codes/${card.code!.replace(/_/g, '-')}`,
      payment_intent: structuredClone(pi),
    });
  }

  private unexpectedState(pi: PaymentIntentObject, verb: string, allowed: string[]): ApiError {
    const error = invalidRequest(
      `You cannot ${verb} this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be ${verb === 'cancel' ? 'canceled' : `${verb}d`}: ${allowed.join(', ')}.`,
      undefined,
      'payment_intent_unexpected_state',
    );
    error.body.payment_intent = structuredClone(pi);
    return error;
  }
}
