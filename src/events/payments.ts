import { address, CUSTOMER_EMAIL, CUSTOMER_NAME, type Scene } from './scene.js';

type Obj = Record<string, unknown>;

/** The card PaymentMethod (Visa 4242, the Stripe test card). */
export function paymentMethod(s: Scene): Obj {
  return {
    id: s.paymentMethod,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: address(), email: CUSTOMER_EMAIL, name: CUSTOMER_NAME, phone: null, tax_id: null },
    card: cardDetails(s),
    created: s.now,
    customer: s.customer,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}

function cardDetails(s: Scene): Obj {
  return {
    brand: 'visa',
    checks: { address_line1_check: 'pass', address_postal_code_check: 'pass', cvc_check: 'pass' },
    country: 'US',
    display_brand: 'visa',
    exp_month: 12,
    exp_year: new Date(s.now * 1000).getUTCFullYear() + 3,
    fingerprint: 'Xt5EWLLDS7FJjR1c',
    funding: 'credit',
    generated_from: null,
    last4: '4242',
    networks: { available: ['visa'], preferred: null },
    regulated_status: 'unregulated',
    three_d_secure_usage: { supported: true },
    wallet: null,
  };
}

export type IntentState = 'created' | 'succeeded' | 'failed' | 'canceled';

/** A PaymentIntent in the given state, as the API returns it (latest_charge, not the old charges list). */
export function paymentIntent(s: Scene, state: IntentState): Obj {
  const succeeded = state === 'succeeded';
  const status = { created: 'requires_payment_method', succeeded: 'succeeded', failed: 'requires_payment_method', canceled: 'canceled' }[state];
  return {
    id: s.paymentIntent,
    object: 'payment_intent',
    amount: s.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: succeeded ? s.amount : 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: { allow_redirects: 'never', enabled: true },
    canceled_at: state === 'canceled' ? s.now : null,
    cancellation_reason: state === 'canceled' ? 'requested_by_customer' : null,
    capture_method: 'automatic_async',
    client_secret: `${s.paymentIntent}_secret_${s.request.slice(4)}`,
    confirmation_method: 'automatic',
    created: s.now,
    currency: s.currency,
    customer: s.customer,
    description: 'Created by switchyard webhooks trigger',
    last_payment_error:
      state === 'failed'
        ? {
            charge: s.charge,
            code: 'card_declined',
            decline_code: 'generic_decline',
            doc_url: 'https://stripe.com/docs/error-codes/card-declined',
            message: 'Your card was declined.',
            payment_method: paymentMethod(s),
            type: 'card_error',
          }
        : null,
    latest_charge: succeeded || state === 'failed' ? s.charge : null,
    livemode: false,
    metadata: { order_id: 'order_1042' },
    next_action: null,
    on_behalf_of: null,
    payment_method: succeeded ? s.paymentMethod : null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status,
    transfer_data: null,
    transfer_group: null,
  };
}

export type ChargeState = 'succeeded' | 'failed' | 'refunded';

/** A card Charge: succeeded, declined, or fully refunded. */
export function charge(s: Scene, state: ChargeState): Obj {
  const failed = state === 'failed';
  const refunded = state === 'refunded';
  return {
    id: s.charge,
    object: 'charge',
    amount: s.amount,
    amount_captured: failed ? 0 : s.amount,
    amount_refunded: refunded ? s.amount : 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: failed ? null : s.balanceTransaction,
    billing_details: { address: address(), email: CUSTOMER_EMAIL, name: CUSTOMER_NAME, phone: null, tax_id: null },
    calculated_statement_descriptor: 'SWITCHYARD',
    captured: !failed,
    created: s.now,
    currency: s.currency,
    customer: s.customer,
    description: 'Created by switchyard webhooks trigger',
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failed ? 'card_declined' : null,
    failure_message: failed ? 'Your card was declined.' : null,
    fraud_details: {},
    livemode: false,
    metadata: { order_id: 'order_1042' },
    on_behalf_of: null,
    outcome: failed
      ? { advice_code: 'try_again_later', network_advice_code: null, network_decline_code: null, network_status: 'declined_by_network', reason: 'generic_decline', risk_level: 'normal', risk_score: 41, seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' }
      : { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: 'approved_by_network', reason: null, risk_level: 'normal', risk_score: 32, seller_message: 'Payment complete.', type: 'authorized' },
    paid: !failed,
    payment_intent: s.paymentIntent,
    payment_method: s.paymentMethod,
    payment_method_details: { card: { amount_authorized: failed ? null : s.amount, ...cardCharge(s) }, type: 'card' },
    radar_options: {},
    receipt_email: null,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/${s.charge.slice(3)}`,
    refunded,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: failed ? 'failed' : 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
}

function cardCharge(s: Scene): Obj {
  return {
    authorization_code: null,
    brand: 'visa',
    checks: { address_line1_check: 'pass', address_postal_code_check: 'pass', cvc_check: 'pass' },
    country: 'US',
    exp_month: 12,
    exp_year: new Date(s.now * 1000).getUTCFullYear() + 3,
    fingerprint: 'Xt5EWLLDS7FJjR1c',
    funding: 'credit',
    installments: null,
    last4: '4242',
    mandate: null,
    network: 'visa',
    network_token: { used: false },
    three_d_secure: null,
    wallet: null,
  };
}
