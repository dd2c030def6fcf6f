import { describe, expect, it } from 'vitest';
import {
  PROVIDERS,
  detectProvider,
  eventInfo,
  formatSpan,
  parseProvider,
  signRequest,
  signWebhook,
  verifyWebhook,
} from '../../../../src/adapters/webhooks/index.js';
import { keysFor } from './keys.js';
import { UsageError } from '../../../../src/core/errors.js';

describe('parseProvider', () => {
  it('accepts the five providers in any case, and auto only where allowed', () => {
    expect(parseProvider('Stripe', false)).toBe('stripe');
    expect(parseProvider('auto', true)).toBe('auto');
    expect(() => parseProvider('auto', false)).toThrow(UsageError);
  });

  it('lists the providers when the name is unknown', () => {
    try {
      parseProvider('acme', true);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toBe('unknown provider "acme"');
      expect((error as UsageError).hint).toBe(
        'use one of: stripe, github, standard, shopify, slack, twilio, sendgrid, discord, paddle, square, zoom, linear, hubspot, typeform, intercom, mailgun, auto',
      );
    }
  });
});

describe('detectProvider', () => {
  it('recognises each provider by its signature headers', () => {
    for (const provider of PROVIDERS) {
      const { headers, body } = signRequest({ provider, body: Buffer.from('{}'), timestampSec: 1, ...keysFor(provider) });
      expect(detectProvider(headers, body ?? Buffer.from('{}'))).toBe(provider);
    }
    expect(detectProvider({ 'svix-signature': 'v1,x' })).toBe('standard');
  });

  it('falls back to sender headers for unsigned requests, and to nothing', () => {
    expect(detectProvider({ 'X-GitHub-Event': 'push' })).toBe('github');
    expect(detectProvider({ 'x-shopify-topic': 'orders/create' })).toBe('shopify');
    expect(detectProvider({ 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' })).toBe('stripe');
    expect(detectProvider({ 'content-type': 'application/json' })).toBeUndefined();
  });
});

describe('signWebhook', () => {
  it('returns only the signature headers, with lower-case names', () => {
    const body = Buffer.from('{"a":1}');
    const names = (provider: (typeof PROVIDERS)[number]) =>
      Object.keys(signWebhook({ provider, body, secret: 'whsec_c2VjcmV0', timestampSec: 1_800_000_000, id: 'msg_1' }));
    expect(names('stripe')).toEqual(['stripe-signature']);
    expect(names('github')).toEqual(['x-hub-signature-256']);
    expect(names('standard')).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(names('shopify')).toEqual(['x-shopify-hmac-sha256']);
    expect(names('slack')).toEqual(['x-slack-request-timestamp', 'x-slack-signature']);
  });

  it('signs with the current time by default, so the result verifies now', () => {
    for (const provider of PROVIDERS) {
      const sent = Buffer.from('{"ok":true}\r\n');
      const { headers, body = sent, url } = signRequest({ provider, body: sent, ...keysFor(provider) });
      const keys = { ...keysFor(provider), secret: 'whsec_c2VjcmV0', url: url ?? keysFor(provider).url };
      expect(verifyWebhook({ provider: 'auto', body, headers, ...keys })).toEqual({ provider, valid: true, reason: null });
    }
  });
});

describe('eventInfo', () => {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  it('reads type and id where each provider puts them', () => {
    expect(eventInfo('stripe', {}, json({ id: 'evt_1', type: 'charge.refunded' }))).toEqual({ id: 'evt_1', type: 'charge.refunded' });
    expect(eventInfo('github', { 'x-github-event': 'push', 'x-github-delivery': 'd-1' }, json({ action: 'x' }))).toEqual({
      type: 'push',
      id: 'd-1',
    });
    expect(eventInfo('standard', { 'webhook-id': 'msg_1' }, json({ type: 'invoice.paid' }))).toEqual({ type: 'invoice.paid', id: 'msg_1' });
    expect(eventInfo('standard', { 'svix-id': 'msg_2' }, json({ type: 'a' })).id).toBe('msg_2');
    expect(eventInfo('shopify', { 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'e-1' }, json({}))).toEqual({
      type: 'orders/create',
      id: 'e-1',
    });
    expect(eventInfo('slack', {}, json({ type: 'event_callback', event_id: 'Ev1', event: { type: 'app_mention' } }))).toEqual({
      type: 'app_mention',
      id: 'Ev1',
    });
    expect(eventInfo('slack', {}, json({ type: 'url_verification', challenge: 'c' })).type).toBe('url_verification');
    expect(eventInfo('slack', {}, Buffer.from('command=%2Fdeploy&trigger_id=t1')).type).toBe('slash_command');
    expect(eventInfo(null, {}, json({ id: 'evt_2', type: 'x.y' }))).toEqual({ id: 'evt_2', type: 'x.y' });
  });

  it('never throws on bodies that are not JSON objects', () => {
    for (const provider of [...PROVIDERS, null]) {
      for (const body of ['{not json', '', '[1,2]', 'null', 'payload=%7Bbroken']) {
        expect(() => eventInfo(provider, {}, Buffer.from(body))).not.toThrow();
      }
    }
    expect(eventInfo('stripe', {}, Buffer.from('{oops'))).toEqual({ type: undefined, id: undefined });
  });
});

describe('formatSpan', () => {
  it('writes spans the way people read them', () => {
    expect([formatSpan(45), formatSpan(-200), formatSpan(3600), formatSpan(8040), formatSpan(90_000)]).toEqual([
      '45 s',
      '3 min 20 s',
      '1 h',
      '2 h 14 min',
      '1 d 1 h',
    ]);
  });
});
