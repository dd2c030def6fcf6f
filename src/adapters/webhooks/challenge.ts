import { hmacSha256 } from './hmac.js';
import { jsonObject } from './body-fields.js';

/**
 * The answer some providers need before they send anything else, for a request that verified: Zoom's
 * `endpoint.url_validation` ({plainToken, encryptedToken = hex HMAC-SHA256 of plainToken}) and Discord's PING
 * ({"type":1}). Null for every other request (checked on the first bytes before any parsing).
 */
export function challengeAnswer(provider: string | null, body: Buffer, secret: string | undefined): string | null {
  if (provider === 'zoom') {
    if (!secret || !body.includes('endpoint.url_validation')) return null;
    const json = jsonObject(body);
    const payload = json?.payload as Record<string, unknown> | undefined;
    const plainToken = payload?.plainToken;
    if (json?.event !== 'endpoint.url_validation' || typeof plainToken !== 'string') return null;
    return JSON.stringify({ plainToken, encryptedToken: hmacSha256(secret, plainToken).toString('hex') });
  }
  if (provider === 'discord' && body.length < 4096) {
    const json = jsonObject(body);
    return json?.type === 1 ? '{"type":1}' : null;
  }
  return null;
}
