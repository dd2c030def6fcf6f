import { hmacSha256, mismatchReason, safeEqualHex } from './hmac.js';
import type { SignatureScheme, VerifyOutcome } from './scheme.js';
import { timestampProblem } from './tolerance.js';

const HEADER = 'paddle-signature';

/** `ts=<unix>;h1=<hex>[;h1=<hex>…]`: the last ts wins, every h1 is kept (several during secret rotation). */
function parseHeader(value: string): { ts?: string; h1: string[] } {
  const parsed: { ts?: string; h1: string[] } = { h1: [] };
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (key === 'ts') parsed.ts = v;
    else if (key === 'h1' && v) parsed.h1.push(v);
  }
  return parsed;
}

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex HMAC-SHA256 of "<ts>:<body>">`, keyed with the endpoint's
 * secret key (pdl_ntfset_…, used as given). Paddle's SDK allows 5 s of clock difference; switchyard's default is
 * the usual 300 s (`--tolerance 5` for the SDK's strictness).
 */
export const paddleScheme: SignatureScheme = {
  provider: 'paddle',
  label: 'Paddle',
  key: 'secret',
  signatureHeaders: [HEADER],

  matches: (headers) => headers[HEADER] !== undefined,

  sign({ body, secret, timestampSec }) {
    const ts = String(Math.floor(timestampSec));
    return { headers: { [HEADER]: `ts=${ts};h1=${hmacSha256(secret, `${ts}:`, body).toString('hex')}` } };
  },

  verify({ body, headers, secret, nowSec, toleranceSec, ignoreTime }): VerifyOutcome {
    const value = headers[HEADER];
    if (value === undefined) return { valid: false, code: 'missing_header', reason: `no ${HEADER} header` };
    const { ts, h1 } = parseHeader(value);
    if (ts === undefined || !/^\d{1,12}$/.test(ts)) return { valid: false, code: 'malformed_header', reason: `${HEADER} has no valid ts= timestamp` };
    const timestampSec = Number(ts);
    if (h1.length === 0) return { valid: false, code: 'malformed_header', reason: `${HEADER} carries no h1= signature`, timestampSec };
    const expected = hmacSha256(secret, `${ts}:`, body);
    let matched = false;
    for (const sig of h1) if (safeEqualHex(expected, sig)) matched = true;
    if (!matched) return { valid: false, code: 'signature_mismatch', reason: mismatchReason(h1.length, 'h1='), timestampSec };
    const late = ignoreTime ? null : timestampProblem(timestampSec, nowSec, toleranceSec);
    if (late) return { valid: false, code: 'timestamp_outside_tolerance', reason: late, timestampSec };
    return { valid: true, reason: null, timestampSec };
  },
};
