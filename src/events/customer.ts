import { address, CUSTOMER_EMAIL, CUSTOMER_NAME, type Scene } from './scene.js';

// Stripe API object shapes (2026 API version) for the trigger templates.
type Obj = Record<string, unknown>;

/** The customer of every triggered event. */
export function customer(s: Scene): Obj {
  return {
    id: s.customer,
    object: 'customer',
    address: address(),
    balance: 0,
    created: s.now,
    currency: s.currency,
    default_source: null,
    delinquent: false,
    description: null,
    email: CUSTOMER_EMAIL,
    invoice_prefix: 'SWY1042',
    invoice_settings: { custom_fields: null, default_payment_method: s.paymentMethod, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: CUSTOMER_NAME,
    phone: null,
    preferred_locales: ['en-US'],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}
