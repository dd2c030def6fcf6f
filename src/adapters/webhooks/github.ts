import { hmacSha256, mismatchReason, safeEqual } from './hmac.js';
import type { SignatureScheme, VerifyOutcome } from './scheme.js';

const HEADER = 'x-hub-signature-256';
const LEGACY = 'x-hub-signature';

/** GitHub: `x-hub-signature-256: sha256=<hex>`, HMAC-SHA256 of the body. No timestamp: dedupe on x-github-delivery. */
export const githubScheme: SignatureScheme = {
  provider: 'github',
  label: 'GitHub',
  key: 'secret',
  signatureHeaders: [HEADER, LEGACY],
  senderHeaders: ['x-github-event', 'x-github-delivery'],

  // A bare x-hub-signature (SHA-1) without GitHub's own headers is Intercom's.
  matches: (headers) => headers[HEADER] !== undefined || (headers[LEGACY] !== undefined && headers['x-github-event'] !== undefined),

  sign({ body, secret }) {
    return { headers: { [HEADER]: `sha256=${hmacSha256(secret, body).toString('hex')}` } };
  },

  verify({ body, headers, secret }): VerifyOutcome {
    const value = headers[HEADER];
    if (value === undefined) {
      const reason =
        headers[LEGACY] !== undefined
          ? `no ${HEADER} header, only the legacy SHA-1 ${LEGACY}, which switchyard does not accept`
          : headers['x-github-event'] !== undefined
            ? `no ${HEADER} header: GitHub signs deliveries only when the webhook has a secret`
            : `no ${HEADER} header`;
      return { valid: false, code: 'missing_header', reason };
    }
    if (!value.startsWith('sha256=')) {
      return { valid: false, code: 'malformed_header', reason: `${HEADER} does not start with sha256=` };
    }
    const expected = 'sha256=' + hmacSha256(secret, body).toString('hex');
    if (!safeEqual(expected, value)) return { valid: false, code: 'signature_mismatch', reason: mismatchReason(1, '') };
    return { valid: true, reason: null };
  },
};
