import {
  maskClientSecret,
  type PaymentIntentList,
  type PaymentIntentResult,
  type PaymentIntentSummary,
} from '../../adapters/payments/index.js';
import { formatAmount } from '../../core/money.js';
import type { Output } from '../../core/output.js';

/** What has to happen next for this PaymentIntent, in words, with the command that does it where there is one. */
export function describeNextStep(pi: PaymentIntentSummary): string {
  switch (pi.status) {
    case 'requires_payment_method':
      return `${pi.lastPaymentError ? 'try another payment method' : 'attach a payment method'}: switchyard payments confirm ${pi.id} --payment-method pm_…`;
    case 'requires_confirmation':
      return `confirm it: switchyard payments confirm ${pi.id}`;
    case 'requires_action':
      if (pi.nextAction?.type === 'redirect_to_url' && pi.nextAction.url) return `the customer must authenticate at ${pi.nextAction.url}`;
      if (pi.nextAction?.type === 'use_stripe_sdk') return 'the customer must authenticate (3-D Secure) in your front end with Stripe.js';
      return `the customer must act (${pi.nextAction?.type ?? 'see next_action'})`;
    case 'processing':
      return `none for now: the payment is processing; check with switchyard payments get ${pi.id}`;
    case 'requires_capture':
      return `capture the authorised funds: switchyard payments capture ${pi.id} (or cancel to release them)`;
    case 'succeeded':
      return 'none: the payment succeeded';
    case 'canceled':
      return 'none: the PaymentIntent is canceled';
    default:
      return `unknown status ${String(pi.status)}`;
  }
}

function describeError(e: NonNullable<PaymentIntentSummary['lastPaymentError']>): string {
  const code = [e.code, e.declineCode && e.declineCode !== e.code ? e.declineCode : null].filter(Boolean).join('/');
  return [code, e.message].filter(Boolean).join(': ');
}

/**
 * One PaymentIntent: the DESIGN.md document under --json; otherwise aligned `label: value` lines with the amount
 * in its currency, the next step in words and the client secret masked (it authorises the payment in a browser).
 */
export function renderIntent(out: Output, result: PaymentIntentResult): void {
  const pi = result.intent;
  if (out.json) {
    out.jsonLine(pi);
  } else {
    const rows: [string, string | null][] = [
      ['id', pi.id],
      ['status', out.color.bold(pi.status)],
      ['amount', formatAmount(pi.amount, pi.currency)],
      ['capture method', pi.captureMethod],
      ['customer', pi.customer],
      ['payment method', pi.paymentMethod],
      ['metadata', Object.keys(pi.metadata).length ? Object.entries(pi.metadata).map(([k, v]) => `${k}=${v}`).join(', ') : null],
      ['created', pi.created],
      ['client secret', result.clientSecret ? maskClientSecret(result.clientSecret) : null],
      ['last error', pi.lastPaymentError ? describeError(pi.lastPaymentError) : null],
      ['next action', describeNextStep(pi)],
    ];
    for (const [label, value] of rows) if (value) out.line(`${`${label}:`.padEnd(16)}${value}`);
  }
  if (pi.requestId) out.debug(`request id: ${pi.requestId}`);
}

/** Many PaymentIntents: one JSON array under --json, else a table (tab-separated when piped). */
export function renderList(out: Output, list: PaymentIntentList): void {
  const intents = list.intents;
  if (out.json) {
    out.jsonLine(intents);
  } else if (intents.length === 0) {
    out.info('no PaymentIntents found');
  } else {
    out.table(
      ['ID', 'STATUS', 'AMOUNT', 'CUSTOMER', 'CREATED'],
      intents.map((pi) => [pi.id, pi.status, formatAmount(pi.amount, pi.currency), pi.customer ?? '-', pi.created]),
    );
  }
  if (list.requestId) out.debug(`request id: ${list.requestId}`);
}
