import { describe, expect, it } from 'vitest';
import { verifyWebhook, type Provider } from '../../../../src/adapters/webhooks/index.js';
import { NOW, concat, opensslHmac } from './reference.js';

const STRIPE = 'whsec_diagnose0test0secret0123';
const stripeHeader = (body: string | Buffer, secret = STRIPE, t = NOW) =>
  `t=${t},v1=${opensslHmac(secret, concat(`${t}.`, body)).toString('hex')}`;
const verifyStripe = (header: string, body: string | Buffer, secret = STRIPE, extra: { ignoreTime?: boolean } = {}) =>
  verifyWebhook({ provider: 'stripe', body: Buffer.from(body), headers: { 'stripe-signature': header }, secret, nowSec: NOW, ...extra });

const event = { id: 'evt_1', object: 'event', data: { object: { amount: 4990, name: 'Zoë', url: 'https://x.example/a' } }, type: 'charge.refunded' };
const pretty = JSON.stringify(event, null, 2);
const minified = JSON.stringify(event);

describe('verifyWebhook diagnosis', () => {
  it('says that a wrong secret and a tampered body cannot be told apart', () => {
    const r = verifyStripe(stripeHeader(pretty, 'whsec_something_else'), pretty);
    expect(r).toEqual({
      provider: 'stripe',
      valid: false,
      code: 'signature_mismatch',
      reason: 'the signature does not match: either the secret is wrong or the body was changed after signing — these cannot be told apart',
    });
  });

  it('spots a Stripe secret that lacks its whsec_ prefix, without accepting it', () => {
    const r = verifyStripe(stripeHeader(pretty), pretty, STRIPE.slice('whsec_'.length));
    expect(r).toMatchObject({ valid: false, code: 'secret_prefix' });
    expect(r.reason).toContain('lacks its whsec_ prefix');
  });

  it('spots a Stripe signer that dropped the whsec_ prefix from the key', () => {
    const r = verifyStripe(stripeHeader(pretty, STRIPE.slice(6)), pretty);
    expect(r).toMatchObject({ valid: false, code: 'secret_prefix' });
    expect(r.reason).toContain('minus its whsec_ prefix');
  });

  it('spots a whsec_ prefix on a secret of a provider that has none', () => {
    const body = Buffer.from(minified);
    const sig = 'sha256=' + opensslHmac('plain-github-secret', body).toString('hex');
    const r = verifyWebhook({ provider: 'github', body, headers: { 'x-hub-signature-256': sig }, secret: 'whsec_plain-github-secret' });
    expect(r).toMatchObject({ valid: false, code: 'secret_prefix' });
    expect(r.reason).toContain('GitHub secrets do not have');
  });

  it('spots a Standard Webhooks signature keyed with the secret string instead of its decoded bytes', () => {
    const secret = `whsec_${Buffer.from('standard key bytes').toString('base64')}`;
    const body = Buffer.from(minified);
    const sig = opensslHmac(secret, concat(`msg_1.${NOW}.`, body)).toString('base64');
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW), 'webhook-signature': `v1,${sig}` };
    const r = verifyWebhook({ provider: 'standard', body, headers, secret, nowSec: NOW });
    expect(r).toMatchObject({ valid: false, code: 'secret_prefix' });
    expect(r.reason).toContain('secret string itself as the key');
  });

  const reserialised: [string, string, string, string][] = [
    ['a pretty-printed body that was minified', pretty, minified, 'pretty-printed with 2-space indentation'],
    ['a minified body that was pretty-printed', minified, pretty, 'same JSON minified'],
    ['a body re-indented with 4 spaces', pretty, JSON.stringify(event, null, 4), 'pretty-printed with 2-space indentation'],
    ['keys that were re-ordered', JSON.stringify({ a: 1, b: { c: 2, d: 3 } }), JSON.stringify({ b: { d: 3, c: 2 }, a: 1 }), 'keys sorted'],
    ['non-ASCII that was un-escaped', minified.replace('ë', '\\u00eb'), minified, 'non-ASCII characters escaped'],
    ['slashes that were un-escaped', minified.replace(/\//g, '\\/'), minified, 'slashes escaped'],
    ['a body Python re-wrote', minified, JSON.stringify(event).replace(/,/g, ', ').replace(/":/g, '": '), 'same JSON minified'],
    ['a Python-written body that was minified', JSON.stringify(event).replace(/,"/g, ', "').replace(/":/g, '": '), minified, 'as Python writes it'],
  ];
  for (const [what, signed, received, phrase] of reserialised) {
    it(`spots ${what}`, () => {
      const r = verifyStripe(stripeHeader(signed), received);
      expect(r).toMatchObject({ valid: false, code: 'body_reserialised' });
      expect(r.reason).toContain(phrase);
      expect(r.reason).toContain('verify the raw bytes as received');
    });
  }

  const endings: [string, string, string, string][] = [
    ['LF turned into CRLF', pretty, pretty.replace(/\n/g, '\r\n'), 'signed with LF line endings and now has CRLF'],
    ['CRLF turned into LF', pretty.replace(/\n/g, '\r\n'), pretty, 'signed with CRLF line endings and now has LF'],
    ['a trailing newline added', pretty, pretty + '\n', 'trailing newline was added'],
    ['a trailing newline removed', pretty + '\n', pretty, 'lost its trailing newline'],
  ];
  for (const [what, signed, received, phrase] of endings) {
    it(`spots ${what}`, () => {
      const r = verifyStripe(stripeHeader(signed), received);
      expect(r).toMatchObject({ valid: false, code: 'line_endings' });
      expect(r.reason).toContain(phrase);
    });
  }

  it('adds a stale timestamp to a diagnosis, unless time is ignored', () => {
    const t = NOW - 3 * 3600;
    const r = verifyStripe(stripeHeader(pretty, STRIPE, t), minified);
    expect(r.code).toBe('body_reserialised');
    expect(r.reason).toContain('; also, the timestamp is 3 h in the past, beyond the 300 s tolerance');
    expect(verifyStripe(stripeHeader(pretty, STRIPE, t), minified, STRIPE, { ignoreTime: true }).reason).not.toContain('timestamp');
  });

  it('names the provider whose headers are present when the chosen one has none, and whether it verifies', () => {
    const body = Buffer.from(minified);
    const headers = { 'x-hub-signature-256': 'sha256=' + opensslHmac(STRIPE, body).toString('hex') };
    const r = verifyWebhook({ provider: 'stripe', body, headers, secret: STRIPE });
    expect(r).toMatchObject({ provider: 'stripe', valid: false, code: 'other_provider' });
    expect(r.reason).toBe("no stripe-signature header: the signature headers (x-hub-signature-256) are github's, and it verifies as github");
    const wrong = verifyWebhook({ provider: 'stripe', body, headers, secret: 'whsec_other' });
    expect(wrong.reason).toContain('it does not verify with this secret as github');
  });

  it('reports a missing header when no provider signed the request', () => {
    const body = Buffer.from(minified);
    expect(verifyWebhook({ provider: 'shopify', body, headers: { 'content-type': 'application/json' }, secret: 's' })).toMatchObject({
      provider: 'shopify',
      valid: false,
      code: 'missing_header',
    });
    const auto = verifyWebhook({ provider: 'auto', body, headers: {}, secret: 's' });
    expect(auto).toMatchObject({ provider: null, valid: false, code: 'missing_header' });
    expect(auto.reason).toContain('stripe-signature, x-hub-signature-256, webhook-signature');
  });

  it('picks the provider from the headers with auto, whatever their case', () => {
    const cases: [Provider, Record<string, string>][] = [
      ['stripe', { 'Stripe-Signature': stripeHeader(minified) }],
      ['github', { 'X-Hub-Signature-256': 'sha256=' + opensslHmac(STRIPE, minified).toString('hex') }],
      ['shopify', { 'X-Shopify-Hmac-Sha256': opensslHmac(STRIPE, minified).toString('base64') }],
    ];
    for (const [provider, headers] of cases) {
      expect(verifyWebhook({ provider: 'auto', body: Buffer.from(minified), headers, secret: STRIPE, nowSec: NOW })).toEqual({
        provider,
        valid: true,
        reason: null,
      });
    }
  });
});

describe('verifyWebhook diagnosis limits', () => {
  it('can be turned off, leaving the plain mismatch', () => {
    const r = verifyWebhook({
      provider: 'stripe',
      body: Buffer.from(minified),
      headers: { 'stripe-signature': stripeHeader(pretty) },
      secret: STRIPE,
      nowSec: NOW,
      diagnose: false,
    });
    expect(r).toMatchObject({ valid: false, code: 'signature_mismatch' });
  });

  it('skips the body alternatives for bodies over 1 MiB but still checks the secret', () => {
    const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }, null, 2);
    const reserialised = verifyStripe(stripeHeader(big), JSON.stringify(JSON.parse(big)));
    expect(reserialised.code).toBe('signature_mismatch');
    expect(verifyStripe(stripeHeader(big), big, STRIPE.slice(6)).code).toBe('secret_prefix');
  });
});
