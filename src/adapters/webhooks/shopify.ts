import { hmacSha256, mismatchReason, safeEqual } from './hmac.js';
import type { SignatureScheme, VerifyOutcome } from './scheme.js';

const HEADER = 'x-shopify-hmac-sha256';

/** Shopify: `x-shopify-hmac-sha256: <base64>`, HMAC-SHA256 of the body keyed with the app's client secret. */
export const shopifyScheme: SignatureScheme = {
  provider: 'shopify',

  matches: (headers) => headers[HEADER] !== undefined,

  sign({ body, secret }) {
    return { [HEADER]: hmacSha256(secret, body).toString('base64') };
  },

  verify({ body, headers, secret }): VerifyOutcome {
    const value = headers[HEADER];
    if (value === undefined) return { valid: false, code: 'missing_header', reason: `no ${HEADER} header` };
    const expected = hmacSha256(secret, body).toString('base64');
    if (!safeEqual(expected, value.trim())) {
      return { valid: false, code: 'signature_mismatch', reason: mismatchReason(1, '') };
    }
    return { valid: true, reason: null };
  },
};
