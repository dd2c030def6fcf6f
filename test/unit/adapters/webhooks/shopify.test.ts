import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../../../src/adapters/webhooks/catalog.js';
import { BODIES, NOW, opensslHmac } from './reference.js';

const shopifyScheme = BUILTIN_CATALOG.require('shopify');
const SECRET = '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';
const ref = (body: Buffer, secret = SECRET) => opensslHmac(secret, body).toString('base64');
const verify = (headers: Record<string, string>, body: Buffer) =>
  shopifyScheme.verify({ body, headers, secret: SECRET, nowSec: NOW, toleranceSec: 300 });

describe('shopify scheme', () => {
  for (const [name, body] of Object.entries(BODIES)) {
    it(`signs and verifies a ${name} body as base64 of openssl's HMAC`, () => {
      expect(shopifyScheme.sign({ body, secret: SECRET, timestampSec: NOW }).headers).toEqual({ 'x-shopify-hmac-sha256': ref(body) });
      expect(verify({ 'x-shopify-hmac-sha256': ref(body) }, body).valid).toBe(true);
    });
  }

  it('rejects a signature made with another secret, and a missing header', () => {
    const body = BODIES.json!;
    expect(verify({ 'x-shopify-hmac-sha256': ref(body, 'other') }, body)).toMatchObject({ valid: false, code: 'signature_mismatch' });
    expect(verify({ 'x-shopify-topic': 'orders/create' }, body)).toMatchObject({ valid: false, code: 'missing_header' });
  });

  it('rejects the hex form of the right HMAC: Shopify sends base64', () => {
    const body = BODIES.json!;
    expect(verify({ 'x-shopify-hmac-sha256': opensslHmac(SECRET, body).toString('hex') }, body).valid).toBe(false);
  });
});
