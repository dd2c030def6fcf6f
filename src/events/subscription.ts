import type { Scene } from './scene.js';

// Stripe API object shapes (2026 API version) for the trigger templates.
type Obj = Record<string, unknown>;

/** A month, as the templates' billing periods run. */
export const MONTH_SEC = 30 * 24 * 3600;

function price(s: Scene): Obj {
  return {
    id: s.price,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: s.now,
    currency: s.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: 'pro_monthly',
    metadata: {},
    nickname: 'Pro monthly',
    product: s.product,
    recurring: { interval: 'month', interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    unit_amount: s.amount,
    unit_amount_decimal: String(s.amount),
  };
}

function plan(s: Scene): Obj {
  return {
    id: s.price,
    object: 'plan',
    active: true,
    amount: s.amount,
    amount_decimal: String(s.amount),
    billing_scheme: 'per_unit',
    created: s.now,
    currency: s.currency,
    interval: 'month',
    interval_count: 1,
    livemode: false,
    metadata: {},
    meter: null,
    nickname: 'Pro monthly',
    product: s.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

/** A monthly subscription with one item; billing periods live on the item, as in current API versions. */
export function subscription(s: Scene, state: 'active' | 'canceled'): Obj {
  const canceled = state === 'canceled';
  return {
    id: s.subscription,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: s.now,
    billing_cycle_anchor_config: null,
    billing_mode: { type: 'flexible' },
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: canceled ? s.now : null,
    cancellation_details: { comment: null, feedback: null, reason: canceled ? 'cancellation_requested' : null },
    collection_method: 'charge_automatically',
    created: s.now,
    currency: s.currency,
    customer: s.customer,
    days_until_due: null,
    default_payment_method: s.paymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: canceled ? s.now : null,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: {
      object: 'list',
      data: [
        {
          id: s.subscriptionItem,
          object: 'subscription_item',
          billing_thresholds: null,
          created: s.now,
          current_period_end: s.now + MONTH_SEC,
          current_period_start: s.now,
          discounts: [],
          metadata: {},
          plan: plan(s),
          price: price(s),
          quantity: 1,
          subscription: s.subscription,
          tax_rates: [],
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/subscription_items?subscription=${s.subscription}`,
    },
    latest_invoice: s.invoice,
    livemode: false,
    metadata: {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: s.now,
    status: state,
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: null,
  };
}
