import { describe, expect, it } from 'vitest';
import { publicUrlFor, signRequest, verifyWebhook } from '../../../../src/adapters/webhooks/index.js';

const secret = 'tw-auth-token-0123';
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const body = Buffer.from('From=%2B14158675309&Body=hello&MessageSid=SM1');

/** Signs as the provider did (for `signedUrl`), verifies as the developer does (with `usedUrl`). */
function diagnose(provider: string, signedUrl: string, usedUrl: string, headers: Record<string, string> = {}) {
  const signed = signRequest({ provider, body, secret, url: signedUrl, headers: { ...form, ...headers }, timestampSec: 1_800_000_000 });
  return verifyWebhook({ provider, body, headers: { ...form, ...headers, ...signed.headers }, secret, url: usedUrl, nowSec: 1_800_000_000 });
}

describe('URL mismatch diagnosis', () => {
  const cases: [string, string, string, string][] = [
    ['http where the provider called https (a tunnel)', 'https://abc.ngrok.app/sms', 'http://abc.ngrok.app/sms', 'with https, not http'],
    ['https where the provider called http', 'http://example.com/sms', 'https://example.com/sms', 'with http, not https'],
    ['a trailing slash added', 'https://example.com/sms', 'https://example.com/sms/', 'without the trailing slash'],
    ['a trailing slash lost', 'https://example.com/sms/', 'https://example.com/sms', 'with a trailing slash'],
    ['a query the provider did not sign', 'https://example.com/sms', 'https://example.com/sms?x=1', 'without the query string'],
    ['the query reordered', 'https://example.com/sms?b=2&a=1', 'https://example.com/sms?a=1&b=2', 'with the query parameters in another order'],
    ['a proxy prefix in front of the path', 'https://example.com/sms', 'https://example.com/api/sms', 'without the path prefix /api'],
    ['http and a trailing slash at once', 'https://abc.ngrok.app/sms', 'http://abc.ngrok.app/sms/', 'with https, not http, and without the trailing slash'],
  ];
  for (const [what, signedUrl, usedUrl, says] of cases) {
    it(`says which URL would have verified: ${what}`, () => {
      for (const provider of ['twilio', 'square', 'hubspot']) {
        const r = diagnose(provider, signedUrl, usedUrl);
        expect(r, provider).toMatchObject({ valid: false, code: 'url_mismatch' });
        expect(r.reason).toContain(`it verifies as ${signedUrl} (${says}`);
      }
    });
  }

  it('takes the prefix a proxy removed from X-Forwarded-Prefix', () => {
    const r = diagnose('square', 'https://example.com/hooks/square', 'https://example.com/square', { 'x-forwarded-prefix': '/hooks' });
    expect(r.reason).toContain('it verifies as https://example.com/hooks/square (with the path prefix /hooks that a proxy removed (x-forwarded-prefix))');
  });

  it('verifies a default port either way for twilio (as its SDK does), and names it for square, whose SDK does not', () => {
    expect(diagnose('twilio', 'https://example.com/sms', 'https://example.com:443/sms').valid).toBe(true);
    const r = diagnose('square', 'https://example.com/sms', 'https://example.com:443/sms');
    expect(r.reason).toContain('it verifies as https://example.com/sms (without the default port :443)');
  });

  it('says nothing about the URL when the secret is wrong', () => {
    const signed = signRequest({ provider: 'square', body, secret: 'other', url: 'https://example.com/sms' });
    const r = verifyWebhook({ provider: 'square', body, headers: signed.headers, secret, url: 'https://example.com/sms' });
    expect(r.code).toBe('signature_mismatch');
  });

  it('asks for the URL when none is known', () => {
    const signed = signRequest({ provider: 'twilio', body, secret, url: 'https://example.com/sms', headers: form });
    const r = verifyWebhook({ provider: 'auto', body, headers: signed.headers, secret });
    expect(r).toMatchObject({ provider: 'twilio', valid: false, code: 'missing_url' });
    expect(r.reason).toBe('Twilio signs the URL it called: pass it with --url (--public-url for listen)');
  });
});

describe('publicUrlFor', () => {
  it('keeps the request path when the tunnel keeps it, and puts back a prefix a proxy removed', () => {
    expect(publicUrlFor('https://abc.ngrok.app', '/sms?x=1')).toBe('https://abc.ngrok.app/sms?x=1');
    expect(publicUrlFor('https://abc.ngrok.app/', '/sms')).toBe('https://abc.ngrok.app/sms');
    expect(publicUrlFor('https://example.com/hooks', '/hooks/sms')).toBe('https://example.com/hooks/sms');
    expect(publicUrlFor('https://example.com/hooks', '/sms')).toBe('https://example.com/hooks/sms');
    expect(publicUrlFor('https://example.com:8443/hooks/', '/sms')).toBe('https://example.com:8443/hooks/sms');
  });
});

describe('URL mismatch diagnosis: escapes', () => {
  it('names the URL with its %-escapes decoded when that is what was signed', () => {
    const r = diagnose('hubspot', 'https://example.com/hooks/a b', 'https://example.com/hooks/a%20b');
    expect(r.reason).toContain('it verifies as https://example.com/hooks/a b (with its %-escapes decoded)');
  });
});
