import { createHash } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { hmac, safeEqual, safeEqualBase64, type HmacAlgorithm } from './hmac.js';
import type { Headers, SignatureScheme, VerifyOutcome } from './scheme.js';
import { formSignedData } from './twilio-form.js';
import { withoutPort, withPort } from './url-parts.js';

const HEADER = 'x-twilio-signature';
const SETTINGS = 'x-twilio-webhooks-signature-settings';

/** HMAC_SHA1 unless the settings header names HMAC_SHA256 (Twilio's newer shared-key signatures). */
function algorithmOf(headers: Headers): HmacAlgorithm | null {
  const settings = headers[SETTINGS];
  if (settings === undefined) return 'sha1';
  for (const part of settings.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== 'algorithm') continue;
    const name = part.slice(eq + 1).trim().toUpperCase();
    if (!name || name === 'HMAC_SHA1') return 'sha1';
    return name === 'HMAC_SHA256' ? 'sha256' : null;
  }
  return 'sha1';
}

function bodySha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

function hasBodyHash(url: string): boolean {
  return /[?&]bodySHA256=/.test(url);
}

function isForm(headers: Headers | undefined, body: Buffer): boolean {
  const type = headers?.['content-type'];
  if (type) return type.toLowerCase().includes('application/x-www-form-urlencoded');
  return !/^\s*[[{]/.test(body.toString('utf8'));
}

/**
 * Twilio: `x-twilio-signature` = base64 HMAC-SHA1 (keyed with the auth token) of the full URL followed by the POST
 * parameters sorted by name; a JSON body instead puts `bodySHA256=<hex>` in the URL and only the URL is signed. As
 * Twilio's own validator does, the URL verifies with or without its default port.
 */
export const twilioScheme: SignatureScheme = {
  provider: 'twilio',
  label: 'Twilio',
  key: 'secret',
  signsUrl: true,
  signatureHeaders: [HEADER],
  senderHeaders: ['i-twilio-idempotency-token'],

  matches: (headers) => headers[HEADER] !== undefined,

  sign({ body, secret, url, headers }) {
    if (!url) throw new UsageError('twilio signs the URL it calls: pass it with --url', { hint: 'e.g. --url https://example.com/sms' });
    const algorithm = algorithmOf(headers ?? {}) ?? 'sha1';
    if (isForm(headers, body)) {
      const sig = hmac(algorithm, secret, formSignedData(url, body)).toString('base64');
      return { headers: { [HEADER]: sig } };
    }
    const signedUrl = hasBodyHash(url) ? url : `${url}${url.includes('?') ? '&' : '?'}bodySHA256=${bodySha256(body)}`;
    return { headers: { [HEADER]: hmac(algorithm, secret, [signedUrl]).toString('base64') }, url: signedUrl };
  },

  verify({ body, headers, secret, url }): VerifyOutcome {
    const value = headers[HEADER];
    if (value === undefined) return { valid: false, code: 'missing_header', reason: `no ${HEADER} header` };
    if (!url) return { valid: false, code: 'missing_url', reason: 'Twilio signs the URL it called: pass it with --url (--public-url for listen)' };
    const algorithm = algorithmOf(headers);
    if (!algorithm) return { valid: false, code: 'malformed_header', reason: `${SETTINGS} names an algorithm Twilio's validators do not know` };
    const withHash = hasBodyHash(url);
    // The URL as given first; then the variants Twilio's own validator accepts (default port written or not,
    // normalised by the URL parser). Which one matched is no secret, so the first match ends the search.
    const sig = value.trim();
    const check = (candidate: string) => safeEqualBase64(hmac(algorithm, secret, withHash ? [candidate] : formSignedData(candidate, body)), sig);
    let matched = check(url);
    if (!matched) {
      let normalised: string | undefined;
      try {
        normalised = new URL(url).toString();
      } catch {
        /* only the URL as given */
      }
      const others = new Set([withoutPort(url), withPort(url), ...(normalised ? [withoutPort(normalised), withPort(normalised)] : [])]);
      others.delete(url);
      for (const candidate of others) if (!matched && check(candidate)) matched = true;
    }
    if (!matched) {
      const json = !withHash && /^\s*[[{]/.test(body.toString('utf8'));
      const reason = json
        ? 'the signature does not match, and the body is JSON while the URL carries no bodySHA256: Twilio signs a JSON body by adding ?bodySHA256=<hex sha256 of the body> to the URL; pass the URL with it'
        : 'the signature does not match: either the auth token is wrong, the URL differs from the one Twilio called, or the parameters were changed — these cannot be told apart';
      return { valid: false, code: 'signature_mismatch', reason };
    }
    if (withHash) {
      const given = new URL(url, 'https://x').searchParams.get('bodySHA256') ?? '';
      if (!safeEqual(bodySha256(body), given)) {
        return { valid: false, code: 'signature_mismatch', reason: 'the URL verifies, but its bodySHA256 is not the SHA-256 of this body: the body was changed after signing' };
      }
    }
    return { valid: true, reason: null };
  },
};
