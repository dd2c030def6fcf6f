import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRequest, verifyWebhook } from '../../../../src/adapters/webhooks/index.js';

// Twilio's form signature takes a fast path on the bytes for the usual body and a general one for the rest. Both
// are checked against a reference built the way Twilio's own validator gets its parameters: the WHATWG form parser
// (URLSearchParams), names sorted, a repeated name's values de-duplicated and sorted (getExpectedTwilioSignature).

const token = 'tw-auth-token-0123';
const form = { 'content-type': 'application/x-www-form-urlencoded' };

function reference(url: string, body: Buffer): Buffer {
  const params = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.set(name, [...(params.get(name) ?? []), value]);
  let data = url;
  for (const name of [...params.keys()].sort()) for (const v of [...new Set(params.get(name))].sort()) data += name + v;
  return createHmac('sha1', token).update(data, 'utf8').digest();
}

const verify = (url: string, body: Buffer, signature: string) =>
  verifyWebhook({ provider: 'twilio', body, headers: { ...form, 'x-twilio-signature': signature }, secret: token, url, diagnose: false });

// Parts that reach every branch: escapes of ASCII and of UTF-8 (valid, truncated, overlong, surrogate), malformed
// and trailing '%', '+', raw UTF-8, names repeated or escaped, parameters without '=' or empty.
const escape = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 0x7f }), fc.boolean()).map(([b, upper]) => `%${b.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`),
  fc.constantFrom('%C3%A9', '%E2%82%AC', '%F0%9F%98%80', '%c3%bc', '%C3', '%E2%82', '%C0%AF', '%ED%A0%80', '%FF', '%A9'),
  fc.constantFrom('%', '%4', '%4x', '%x4', '%G1', '%%41', '+', 'a+b', '%2B', '%26', '%3D'),
);
const raw = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.~-]{0,6}$/), escape, fc.constant('='));
const text = (ascii: boolean) =>
  fc.array(ascii ? raw : fc.oneof(raw, fc.constantFrom('é', '€', '😀')), { maxLength: 6 }).map((p) => p.join(''));
const name = (ascii: boolean) => fc.oneof(fc.constantFrom('Body', 'From', 'To', 'MediaUrl0', 'a', 'A', 'Z', ''), fc.stringMatching(/^[A-Za-z]{1,8}$/), text(ascii));
/** A form body; ASCII ones with names mostly distinct take the fast path unless a name is escaped. */
const body = (ascii: boolean) =>
  fc
    .array(
      fc.oneof(
        fc.tuple(name(ascii), text(ascii)).map(([n, v]) => `${n}=${v}`),
        name(ascii),
        fc.constant(''),
        fc.tuple(name(ascii), fc.integer({ min: 0, max: 5000 })).map(([n, size]) => `${n}=${'x'.repeat(size)}`),
      ),
      { maxLength: 12 },
    )
    .map((params) => Buffer.from(params.join('&'), 'utf8'));
const url = fc.constantFrom('https://example.com/sms', 'https://example.com/sms?tenant=eu&x=%2F', 'http://localhost:3000/twilio/é', `https://example.com/${'p'.repeat(300)}`);

describe('twilio form signatures', () => {
  for (const ascii of [true, false]) {
    it(`sign and verify agree with the reference for any ${ascii ? 'ASCII ' : ''}form body`, () => {
      fc.assert(
        fc.property(url, body(ascii), (u, b) => {
          const expected = reference(u, b).toString('base64');
          expect(signRequest({ provider: 'twilio', body: b, secret: token, url: u, headers: form }).headers['x-twilio-signature']).toBe(expected);
          expect(verify(u, b, expected).valid).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('keeps one URL and changes bodies, or keeps one body and changes URLs, without mixing them up', () => {
    const bodies: Buffer[] = ['Body=hi&From=%2B1', `Body=${'y'.repeat(6000)}&To=%2B2`, 'a=1&b=2', 'Body=hi&From=%2B1'].map((b) => Buffer.from(b));
    const urls = ['https://a.example/x', `https://b.example/${'q'.repeat(2000)}`, 'https://a.example/x'];
    for (const u of urls) for (const b of bodies) expect(verify(u, b, reference(u, b).toString('base64')).valid).toBe(true);
    expect(verify(urls[0]!, bodies[0]!, reference(urls[1]!, bodies[0]!).toString('base64')).valid).toBe(false);
  });

  it('verifies a body too big for the reused buffer (the general path)', () => {
    const body = Buffer.from(`Body=${'z'.repeat(70_000)}&From=%2B14158675309`);
    expect(verify('https://example.com/sms', body, reference('https://example.com/sms', body).toString('base64')).valid).toBe(true);
  });

  it('accepts only the exact base64 text of the signature, as comparing the strings would', () => {
    const body = Buffer.from('From=%2B14158675309&Body=hello');
    const sig = reference('https://example.com/sms', body).toString('base64');
    expect(sig).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    const last = sig[26]!;
    // The same bytes written another way: stray low bits in the last character, no padding, a character Node's
    // decoder skips, URL-safe letters.
    const stray = sig.slice(0, 26) + String.fromCharCode(last.charCodeAt(0) + 1) + '=';
    for (const other of [stray, sig.slice(0, -1), `${sig.slice(0, 10)}.${sig.slice(10)}`, ` ${sig}x`, sig.replace(/\+/g, '-').replace(/\//g, '_')]) {
      if (other === sig) continue;
      expect(verify('https://example.com/sms', body, other).valid, other).toBe(false);
    }
    expect(verify('https://example.com/sms', body, ` ${sig} `).valid).toBe(true);
  });
});
