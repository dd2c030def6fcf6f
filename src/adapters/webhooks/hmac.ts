import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of the concatenated parts; strings are taken as UTF-8. */
export function hmacSha256(key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
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

/** The reason given when no alternative explains a mismatch. */
export function mismatchReason(count: number, label: string): string {
  const lead = count > 1 ? `none of the ${count} ${label} signatures matches` : 'the signature does not match';
  return `${lead}: either the secret is wrong or the body was changed after signing — these cannot be told apart`;
}
