import { describe, expect, it } from 'vitest';
import { stripeScheme } from '../../../../src/adapters/webhooks/stripe.js';
import { BODIES, NOW, concat, opensslHmac } from './reference.js';

const SECRET = 'whsec_test_stripe_0123456789abcdef';
const ref = (t: number, body: Buffer, secret = SECRET) => opensslHmac(secret, concat(`${t}.`, body)).toString('hex');
const verify = (header: string | undefined, body: Buffer, extra: { nowSec?: number; ignoreTime?: boolean } = {}) =>
  stripeScheme.verify({
    body,
    headers: header === undefined ? {} : { 'stripe-signature': header },
    secret: SECRET,
    nowSec: extra.nowSec ?? NOW,
    toleranceSec: 300,
    ignoreTime: extra.ignoreTime,
  });

describe('stripe scheme', () => {
  for (const [name, body] of Object.entries(BODIES)) {
    it(`signs a ${name} body as openssl does, keyed with the whole secret including whsec_`, () => {
      const headers = stripeScheme.sign({ body, secret: SECRET, timestampSec: NOW }).headers;
      expect(headers).toEqual({ 'stripe-signature': `t=${NOW},v1=${ref(NOW, body)}` });
    });
    it(`verifies a ${name} body signed by openssl`, () => {
      expect(verify(`t=${NOW},v1=${ref(NOW, body)}`, body)).toMatchObject({ valid: true, reason: null, timestampSec: NOW });
    });
  }

  it('accepts any one of several v1 entries (secret rotation) and ignores v0', () => {
    const body = BODIES.json!;
    const good = ref(NOW, body);
    const bad = ref(NOW, body, 'whsec_old_secret');
    expect(verify(`t=${NOW},v1=${bad},v1=${good},v0=${bad}`, body).valid).toBe(true);
    expect(verify(`t=${NOW},v0=${good},v1=${good}`, body).valid).toBe(true);
  });

  it('reports that none of several v1 entries matches', () => {
    const body = BODIES.json!;
    const other = ref(NOW, body, 'whsec_other');
    const outcome = verify(`t=${NOW},v1=${other},v1=${other}`, body);
    expect(outcome).toMatchObject({ valid: false, code: 'signature_mismatch' });
    expect(outcome.reason).toContain('none of the 2 v1= signatures matches');
    expect(outcome.reason).toContain('cannot be told apart');
  });

  it('rejects a header with only v0, without t, or with spaces after the commas', () => {
    const body = BODIES.json!;
    const sig = ref(NOW, body);
    expect(verify(`t=${NOW},v0=${sig}`, body)).toMatchObject({ valid: false, code: 'malformed_header' });
    expect(verify(`v1=${sig}`, body)).toMatchObject({ valid: false, code: 'malformed_header' });
    const spaced = verify(`t=${NOW}, v1=${sig}`, body);
    expect(spaced).toMatchObject({ valid: false, code: 'malformed_header' });
    expect(spaced.reason).toContain('spaces');
  });

  it('rejects upper-case hex, as Stripe does', () => {
    const body = BODIES.json!;
    expect(verify(`t=${NOW},v1=${ref(NOW, body).toUpperCase()}`, body).valid).toBe(false);
  });

  it('treats a truncated, over-long or non-hex v1 as a mismatch, and tolerates empty entries', () => {
    const body = BODIES.json!;
    const sig = ref(NOW, body);
    for (const v1 of [sig.slice(0, -1), `${sig}0`, `${sig.slice(0, -1)}g`, '']) {
      expect(verify(`t=${NOW},v1=${v1}`, body)).toMatchObject({ valid: false, code: 'signature_mismatch' });
    }
    expect(verify(`,t=${NOW},,v1=${sig},`, body).valid).toBe(true);
    expect(verify(`t=${NOW},x=1,v1=${sig}`, body).valid).toBe(true);
  });

  it('verifies with whichever secret it is given, one call after the other (the imported key is not reused wrongly)', () => {
    const body = BODIES.json!;
    const header = `t=${NOW},v1=${ref(NOW, body)}`;
    const other = (secret: string) =>
      stripeScheme.verify({ body, headers: { 'stripe-signature': header }, secret, nowSec: NOW, toleranceSec: 300 }).valid;
    expect([other(SECRET), other('whsec_other'), other(SECRET), other(`${SECRET}x`)]).toEqual([true, false, true, false]);
  });

  it('reports a missing header', () => {
    expect(verify(undefined, BODIES.json!)).toMatchObject({ valid: false, code: 'missing_header', reason: 'no stripe-signature header' });
  });

  it('rejects a correct signature whose timestamp is beyond the tolerance, in the past or the future', () => {
    const body = BODIES.json!;
    const old = NOW - 2 * 3600 - 14 * 60;
    const past = verify(`t=${old},v1=${ref(old, body)}`, body);
    expect(past).toMatchObject({ valid: false, code: 'timestamp_outside_tolerance' });
    expect(past.reason).toBe('timestamp is 2 h 14 min in the past, beyond the 300 s tolerance');
    const ahead = NOW + 301;
    expect(verify(`t=${ahead},v1=${ref(ahead, body)}`, body).reason).toBe(
      'timestamp is 5 min 1 s in the future, beyond the 300 s tolerance',
    );
    const edge = NOW - 300;
    expect(verify(`t=${edge},v1=${ref(edge, body)}`, body).valid).toBe(true);
    expect(verify(`t=${old},v1=${ref(old, body)}`, body, { ignoreTime: true }).valid).toBe(true);
  });

  it('uses the last t= when there are several, as Stripe does', () => {
    const body = BODIES.json!;
    expect(verify(`t=1,t=${NOW},v1=${ref(NOW, body)}`, body).valid).toBe(true);
  });
});
