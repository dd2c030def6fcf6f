import { describe, expect, it } from 'vitest';
import { buildEvent, closeMatches, EVENT_API_VERSION, TEMPLATES } from '../../../src/events/index.js';

const REQUIRED = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.succeeded',
  'charge.refunded',
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
];

/** The `object` value of data.object for each event-type family. */
function expectedObject(type: string): string {
  if (type.startsWith('customer.subscription.')) return 'subscription';
  if (type.startsWith('checkout.session.')) return 'checkout.session';
  return type.slice(0, type.lastIndexOf('.'));
}

describe('TEMPLATES', () => {
  it('cover every event type the issue asks for', () => {
    const types = TEMPLATES.map((t) => t.type);
    for (const type of REQUIRED) expect(types).toContain(type);
    expect(new Set(types).size).toBe(types.length);
  });
});

describe('buildEvent', () => {
  it.each(TEMPLATES.map((t) => t.type))('%s is a test-mode event with the right object, created now', (type) => {
    const now = Math.floor(Date.now() / 1000);
    const event = buildEvent(type, now);
    expect(event).toMatchObject({ object: 'event', type, livemode: false, created: now, api_version: EVENT_API_VERSION });
    expect(event.id).toMatch(/^evt_[A-Za-z0-9]{24}$/);
    const object = event.data.object;
    expect(object.object).toBe(expectedObject(type));
    expect(object.livemode).toBe(false);
    expect(object.created).toBe(now);
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('gives every event fresh ids', () => {
    const a = buildEvent('charge.succeeded');
    const b = buildEvent('charge.succeeded');
    expect(a.id).not.toBe(b.id);
    expect(a.data.object.id).not.toBe(b.data.object.id);
  });

  it('links the objects of one event to each other', () => {
    const charge = buildEvent('charge.succeeded').data.object;
    expect(charge.id).toMatch(/^ch_/);
    expect(charge.payment_intent).toMatch(/^pi_/);
    expect(charge.customer).toMatch(/^cus_/);
    const pi = buildEvent('payment_intent.succeeded').data.object;
    expect(pi).toMatchObject({ status: 'succeeded', amount_received: pi.amount });
    expect(pi.latest_charge).toMatch(/^ch_/);
    const failed = buildEvent('payment_intent.payment_failed').data.object;
    expect(failed).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'card_declined', type: 'card_error' } });
    const invoice = buildEvent('invoice.paid').data.object as { parent: { subscription_details: { subscription: string } }; status: string };
    expect(invoice.status).toBe('paid');
    expect(invoice.parent.subscription_details.subscription).toMatch(/^sub_/);
    const session = buildEvent('checkout.session.completed').data.object;
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid', mode: 'payment' });
    expect(session.id).toMatch(/^cs_test_/);
  });

  it('sends previous_attributes for a refund, as Stripe does', () => {
    const event = buildEvent('charge.refunded');
    expect(event.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
    expect(event.data.object).toMatchObject({ refunded: true, amount_refunded: event.data.object.amount });
  });

  it('throws for a type it has no template for', () => {
    expect(() => buildEvent('payment_intent.nope')).toThrow(RangeError);
  });
});

describe('closeMatches', () => {
  it('suggests the types a typo was meant to be', () => {
    expect(closeMatches('payment_intent.succeed')[0]).toBe('payment_intent.succeeded');
    expect(closeMatches('invoice.payed')).toContain('invoice.paid');
    expect(closeMatches('charge')).toEqual(expect.arrayContaining(['charge.succeeded', 'charge.refunded']));
  });

  it('suggests nothing for something unrelated', () => {
    expect(closeMatches('zzz.qqq.www')).toEqual([]);
  });
});
