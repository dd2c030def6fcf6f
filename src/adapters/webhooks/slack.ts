import { hmacSha256, mismatchReason, safeEqual } from './hmac.js';
import type { SignatureScheme, VerifyOutcome } from './scheme.js';
import { parseUnixSeconds, timestampProblem } from './tolerance.js';

const SIGNATURE = 'x-slack-signature';
const TIMESTAMP = 'x-slack-request-timestamp';

function expected(secret: string, timestamp: string, body: Buffer): string {
  return 'v0=' + hmacSha256(secret, `v0:${timestamp}:`, body).toString('hex');
}

/** Slack: `x-slack-signature: v0=<hex>` over `v0:<x-slack-request-timestamp>:<body>`, keyed with the signing secret. */
export const slackScheme: SignatureScheme = {
  provider: 'slack',

  matches: (headers) => headers[SIGNATURE] !== undefined,

  sign({ body, secret, timestampSec }) {
    const t = String(Math.floor(timestampSec));
    return { [TIMESTAMP]: t, [SIGNATURE]: expected(secret, t, body) };
  },

  verify({ body, headers, secret, nowSec, toleranceSec, ignoreTime }): VerifyOutcome {
    const value = headers[SIGNATURE];
    if (value === undefined) return { valid: false, code: 'missing_header', reason: `no ${SIGNATURE} header` };
    const raw = headers[TIMESTAMP];
    if (raw === undefined) return { valid: false, code: 'missing_header', reason: `no ${TIMESTAMP} header` };
    const timestampSec = parseUnixSeconds(raw);
    if (timestampSec === undefined) {
      return { valid: false, code: 'malformed_header', reason: `${TIMESTAMP} is not a unix timestamp` };
    }
    if (!value.startsWith('v0=')) {
      return { valid: false, code: 'malformed_header', reason: `${SIGNATURE} does not start with v0=`, timestampSec };
    }
    if (!safeEqual(expected(secret, raw.trim(), body), value)) {
      return { valid: false, code: 'signature_mismatch', reason: mismatchReason(1, ''), timestampSec };
    }
    const late = ignoreTime ? null : timestampProblem(timestampSec, nowSec, toleranceSec);
    if (late) return { valid: false, code: 'timestamp_outside_tolerance', reason: late, timestampSec };
    return { valid: true, reason: null, timestampSec };
  },
};
