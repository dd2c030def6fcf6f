import { hmacSha256, mismatchReason, safeEqualHex } from './hmac.js';
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

/** A key that is `t` or `v1` once trimmed: written with spaces, which Stripe's parser does not accept. */
const SPACED_KEY = /^\s*(?:t|v1)\s*$/;

/** `t=<unix>,v1=<hex>[,v1=…][,v0=…]`, split exactly as Stripe's libraries do (no trimming; the last t wins). */
function parseHeader(value: string): ParsedHeader {
  const parsed: ParsedHeader = { v1: [], v0: 0, spaced: false };
  // indexOf rather than split: this runs for every request the listener verifies.
  for (let start = 0; start <= value.length; ) {
    const comma = value.indexOf(',', start);
    const end = comma < 0 ? value.length : comma;
    const at = value.indexOf('=', start);
    if (at >= 0 && at < end) {
      const key = value.slice(start, at);
      if (key === 't') parsed.timestamp = value.slice(at + 1, end);
      else if (key === 'v1') parsed.v1.push(value.slice(at + 1, end));
      else if (key === 'v0') parsed.v0 += 1;
      else if (SPACED_KEY.test(key)) parsed.spaced = true;
    }
    start = end + 1;
  }
  return parsed;
}

/**
 * Stripe: `stripe-signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `<t>.<body>` keyed with the whole secret string,
 * `whsec_` included. Any one of several v1 entries may match (secret rotation); v0 entries are ignored.
 */
export const stripeScheme: SignatureScheme = {
  provider: 'stripe',
  label: 'Stripe',
  key: 'secret',
  signatureHeaders: [HEADER],

  matches: (headers) => headers[HEADER] !== undefined,

  sign({ body, secret, timestampSec }) {
    const t = String(Math.floor(timestampSec));
    const sig = hmacSha256(secret, `${t}.`, body).toString('hex');
    return { headers: { [HEADER]: `t=${t},v1=${sig}` } };
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
    const expected = hmacSha256(secret, `${parsed.timestamp}.`, body);
    // Compare against every entry without stopping early, so timing does not reveal which one matched.
    let matched = false;
    for (const sig of parsed.v1) if (safeEqualHex(expected, sig)) matched = true;
    if (!matched) {
      return { valid: false, code: 'signature_mismatch', reason: mismatchReason(parsed.v1.length, 'v1='), timestampSec };
    }
    const late = ignoreTime ? null : timestampProblem(timestampSec, nowSec, toleranceSec);
    if (late) return { valid: false, code: 'timestamp_outside_tolerance', reason: late, timestampSec };
    return { valid: true, reason: null, timestampSec };
  },
};
