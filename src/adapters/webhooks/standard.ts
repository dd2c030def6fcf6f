import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { hmacSha256, mismatchReason, safeEqualBase64 } from './hmac.js';
import type { Headers, SignatureScheme, VerifyOutcome } from './scheme.js';
import { parseUnixSeconds, timestampProblem } from './tolerance.js';

const PREFIX = 'whsec_';

/** Standard base64, padding optional; Node's decoder would skip a stray character instead of refusing it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * The HMAC key: the base64-decoded part after `whsec_` (a secret without the prefix is decoded whole), or
 * undefined when that part is not strictly base64 (a typo must not quietly make another key).
 */
export function standardKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  return encoded !== '' && BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
}

const NOT_BASE64 = 'the secret is not base64 after whsec_, as Standard Webhooks requires';

let keyFrom: string | undefined;
let keyObject: KeyObject | undefined;

/** standardKey imported as a KeyObject once for as long as the same secret keeps coming (the listener's case). */
function keyFor(secret: string): KeyObject | undefined {
  if (secret !== keyFrom) {
    const raw = standardKey(secret);
    keyObject = raw && createSecretKey(raw);
    keyFrom = secret;
  }
  return keyObject;
}

const NAMES = {
  webhook: { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' },
  svix: { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' },
} as const;

/** The webhook-* headers, or the svix-* ones that Svix sent before the standard had its own names. */
function pick(headers: Headers): { brand: 'webhook' | 'svix'; id?: string; timestamp?: string; signature?: string } {
  const brand = headers['webhook-signature'] === undefined && headers['svix-signature'] !== undefined ? 'svix' : 'webhook';
  const names = NAMES[brand];
  return { brand, id: headers[names.id], timestamp: headers[names.timestamp], signature: headers[names.signature] };
}

function expected(key: Buffer | KeyObject, id: string, timestamp: string, body: Buffer): Buffer {
  return hmacSha256(key, `${id}.${timestamp}.`, body);
}

/**
 * Standard Webhooks (and Svix): `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> [v1,<base64>…]`
 * over `<id>.<timestamp>.<body>`, keyed with the base64-decoded secret. Other versions (v1a) are ignored.
 */
export const standardScheme: SignatureScheme = {
  provider: 'standard',
  label: 'Standard Webhooks',
  key: 'secret',
  signatureHeaders: ['webhook-signature', 'webhook-timestamp', 'webhook-id', 'svix-signature', 'svix-timestamp', 'svix-id'],
  senderHeaders: ['webhook-id', 'svix-id'],

  matches: (headers) => headers['webhook-signature'] !== undefined || headers['svix-signature'] !== undefined,

  sign({ body, secret, timestampSec, id }) {
    const key = standardKey(secret);
    if (!key) throw new UsageError(NOT_BASE64, { hint: 'use the secret exactly as the provider shows it (whsec_ then base64)' });
    const msgId = id ?? `msg_${randomBytes(20).toString('base64url')}`;
    const t = String(Math.floor(timestampSec));
    return {
      headers: { 'webhook-id': msgId, 'webhook-timestamp': t, 'webhook-signature': `v1,${expected(key, msgId, t, body).toString('base64')}` },
    };
  },

  verify({ body, headers, secret, nowSec, toleranceSec, ignoreTime }): VerifyOutcome {
    const h = pick(headers);
    for (const part of ['signature', 'id', 'timestamp'] as const) {
      if (h[part] === undefined) return { valid: false, code: 'missing_header', reason: `no ${h.brand}-${part} header` };
    }
    const timestampSec = parseUnixSeconds(h.timestamp);
    if (timestampSec === undefined) {
      return { valid: false, code: 'malformed_header', reason: `${h.brand}-timestamp is not a unix timestamp` };
    }
    const signatures = (h.signature ?? '')
      .split(' ')
      .filter((s) => s.startsWith('v1,'))
      .map((s) => s.slice(3));
    if (signatures.length === 0) {
      return { valid: false, code: 'malformed_header', reason: `${h.brand}-signature carries no v1, signature`, timestampSec };
    }
    const key = keyFor(secret);
    if (!key) return { valid: false, code: 'secret_invalid', reason: NOT_BASE64, timestampSec };
    const want = expected(key, h.id ?? '', (h.timestamp ?? '').trim(), body);
    // Every entry is compared, without stopping at a match, so timing does not tell which one matched.
    let matched = false;
    for (const sig of signatures) if (safeEqualBase64(want, sig)) matched = true;
    if (!matched) {
      return { valid: false, code: 'signature_mismatch', reason: mismatchReason(signatures.length, 'v1,'), timestampSec };
    }
    const late = ignoreTime ? null : timestampProblem(timestampSec, nowSec, toleranceSec);
    if (late) return { valid: false, code: 'timestamp_outside_tolerance', reason: late, timestampSec };
    return { valid: true, reason: null, timestampSec };
  },
};
