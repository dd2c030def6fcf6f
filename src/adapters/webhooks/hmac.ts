import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** The hash functions an HMAC scheme may use. */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

// The listener verifies every request with the same secret string: importing it once as a KeyObject saves that
// work per request. One entry is enough; another secret simply replaces it. Buffer keys (derived per call, and
// mutable) are used as they are.
let cachedKey: string | undefined;
let cachedObject: KeyObject | undefined;

function keyFor(key: string | Buffer | KeyObject): KeyObject | Buffer {
  if (typeof key !== 'string') return key;
  if (key !== cachedKey || cachedObject === undefined) {
    cachedObject = createSecretKey(Buffer.from(key, 'utf8'));
    cachedKey = key;
  }
  return cachedObject;
}

let derivedFrom: string | undefined;
let derivedBy: ((secret: string) => Buffer) | undefined;
let derived: KeyObject | undefined;

/**
 * A key derived from a secret string (base64-decoded, say), imported once as a KeyObject for as long as the same
 * secret keeps coming: the listener verifies every request with one secret.
 */
export function derivedKey(secret: string, derive: (secret: string) => Buffer): KeyObject {
  if (secret !== derivedFrom || derive !== derivedBy || derived === undefined) {
    derived = createSecretKey(derive(secret));
    derivedFrom = secret;
    derivedBy = derive;
  }
  return derived;
}

/** HMAC of the concatenated parts with the given hash; strings are taken as UTF-8. */
export function hmac(algorithm: HmacAlgorithm, key: string | Buffer | KeyObject, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, keyFor(key));
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** HMAC-SHA256 of the concatenated parts; strings are taken as UTF-8. */
export function hmacSha256(key: string | Buffer | KeyObject, ...parts: (string | Buffer)[]): Buffer {
  return hmac('sha256', key, parts);
}

/**
 * Constant-time comparison of an expected and a received signature, as the encoded strings the provider sends
 * (so upper-case hex, which the providers' own libraries reject, is rejected here too).
 */
export function safeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  // timingSafeEqual needs equal lengths; the length of a signature is fixed by its encoding, so it reveals nothing.
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/**
 * Constant-time comparison of a digest with a received base64 signature, the same verdict as comparing the
 * encoded strings (only the canonical encoding of the same bytes matches) without encoding the digest.
 */
export function safeEqualBase64(expected: Buffer, received: string): boolean {
  const given = Buffer.from(received, 'base64');
  // Node's decoder skips characters outside the alphabet and ignores stray bits, so the received text must be what
  // its bytes encode to; that depends on the received text alone, and reveals nothing of the expected digest.
  if (given.length !== expected.length || given.toString('base64') !== received) return false;
  return timingSafeEqual(expected, given);
}

const LOWER_HEX = /^[0-9a-f]*$/;

/**
 * Constant-time comparison of a digest with a received lower-case hex signature, without encoding the digest
 * (Stripe and Slack send hex; upper case is rejected, as their libraries do).
 */
export function safeEqualHex(expected: Buffer, received: string): boolean {
  if (received.length !== expected.length * 2 || !LOWER_HEX.test(received)) return false;
  return timingSafeEqual(expected, Buffer.from(received, 'hex'));
}

/** The reason given when no alternative explains a mismatch. */
export function mismatchReason(count: number, label: string): string {
  const lead = count > 1 ? `none of the ${count} ${label} signatures matches` : 'the signature does not match';
  return `${lead}: either the secret is wrong or the body was changed after signing — these cannot be told apart`;
}
