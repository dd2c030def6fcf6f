import { hmacSha256, mismatchReason, safeEqual } from './hmac.js';
import type { SignatureScheme, VerifyOutcome } from './scheme.js';
import { timestampProblem } from './tolerance.js';

const HEADER = 'stripe-signature';

interface ParsedHeader {
  timestamp?: string;
  v1: string[];
  v0: number;
  /** An entry such as " v1=…": Stripe's parser does not trim, so such a header fails there. */
  spaced: boolean;
}

/** `t=<unix>,v1=<hex>[,v1=…][,v0=…]`, split exactly as Stripe's libraries do (no trimming; the last t wins). */
function parseHeader(value: string): ParsedHeader {
  const parsed: ParsedHeader = { v1: [], v0: 0, spaced: false };
  for (const item of value.split(',')) {
    const at = item.indexOf('=');
    if (at < 0) continue;
    const key = item.slice(0, at);
    const val = item.slice(at + 1);
    if (key !== key.trim() && ['t', 'v1'].includes(key.trim())) parsed.spaced = true;
    if (key === 't') parsed.timestamp = val;
    else if (key === 'v1') parsed.v1.push(val);
    else if (key === 'v0') parsed.v0 += 1;
  }
  return parsed;
}

/**
 * Stripe: `stripe-signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `<t>.<body>` keyed with the whole secret string,
 * `whsec_` included. Any one of several v1 entries may match (secret rotation); v0 entries are ignored.
 */
export const stripeScheme: SignatureScheme = {
  provider: 'stripe',

  matches: (headers) => headers[HEADER] !== undefined,

  sign({ body, secret, timestampSec }) {
    const t = String(Math.floor(timestampSec));
    const sig = hmacSha256(secret, `${t}.`, body).toString('hex');
    return { [HEADER]: `t=${t},v1=${sig}` };
  },

  verify({ body, headers, secret, nowSec, toleranceSec, ignoreTime }): VerifyOutcome {
    const value = headers[HEADER];
    if (value === undefined) return { valid: false, code: 'missing_header', reason: `no ${HEADER} header` };
    const parsed = parseHeader(value);
    if (parsed.spaced) {
      return {
        valid: false,
        code: 'malformed_header',
        reason: `${HEADER} has spaces after its commas; Stripe's libraries reject such a header (write t=…,v1=… with no spaces)`,
      };
    }
    if (parsed.timestamp === undefined || !/^\d+$/.test(parsed.timestamp)) {
      return { valid: false, code: 'malformed_header', reason: `${HEADER} has no valid t= timestamp` };
    }
    const timestampSec = Number(parsed.timestamp);
    if (parsed.v1.length === 0) {
      const only = parsed.v0 ? ' (only v0=, which Stripe does not use for verification)' : '';
      return { valid: false, code: 'malformed_header', reason: `${HEADER} carries no v1= signature${only}`, timestampSec };
    }
    const expected = hmacSha256(secret, `${parsed.timestamp}.`, body).toString('hex');
    // Compare against every entry without stopping early, so timing does not reveal which one matched.
    const matched = parsed.v1.map((sig) => safeEqual(expected, sig)).includes(true);
    if (!matched) {
      return { valid: false, code: 'signature_mismatch', reason: mismatchReason(parsed.v1.length, 'v1='), timestampSec };
    }
    const late = ignoreTime ? null : timestampProblem(timestampSec, nowSec, toleranceSec);
    if (late) return { valid: false, code: 'timestamp_outside_tolerance', reason: late, timestampSec };
    return { valid: true, reason: null, timestampSec };
  },
};
