import { createHash } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { hmac, safeEqual, type HmacAlgorithm } from './hmac.js';
import type { Headers, SignatureScheme, VerifyOutcome } from './scheme.js';
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

function decode(part: string): string {
  const text = part.includes('+') ? part.replace(/\+/g, ' ') : part;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape: decoded the way URLSearchParams does (left as it is).
    return new URLSearchParams(`v=${part}`).get('v') ?? text;
  }
}

/** A form value: its raw bytes where nothing is escaped (most of a message body), else the decoded text. */
function value(raw: Buffer): string | Buffer {
  return raw.includes(0x25) || raw.includes(0x2b) ? decode(raw.toString('utf8')) : raw;
}

/**
 * Form parameters by name, each name's values in arrival order. Parsed on the bytes, and an unescaped value is
 * kept as bytes that go to the HMAC as they are: the listener does this for every Twilio request.
 */
export function formParams(body: Buffer): Map<string, (string | Buffer)[]> {
  const params = new Map<string, (string | Buffer)[]>();
  for (let start = 0; start < body.length; ) {
    let end = body.indexOf(0x26, start);
    if (end < 0) end = body.length;
    if (end > start) {
      const eq = body.indexOf(0x3d, start);
      const split = eq >= 0 && eq < end ? eq : end;
      const raw = body.subarray(start, split);
      const name = raw.includes(0x25) || raw.includes(0x2b) ? decode(raw.toString('utf8')) : raw.toString('utf8');
      const v = split < end ? value(body.subarray(split + 1, end)) : '';
      const values = params.get(name);
      if (values) values.push(v);
      else params.set(name, [v]);
    }
    start = end + 1;
  }
  return params;
}

/** URL + each form parameter as name+value, names sorted; repeated values de-duplicated and sorted, as Twilio does. */
function signedData(url: string, params: Map<string, (string | Buffer)[]> | null): (string | Buffer)[] {
  if (!params) return [url];
  // Text runs are joined and unescaped values stay bytes: few HMAC updates, no copy of a long message body.
  const parts: (string | Buffer)[] = [];
  let text = url;
  for (const name of [...params.keys()].sort()) {
    const values = params.get(name)!;
    for (const v of values.length > 1 ? [...new Set(values.map(String))].sort() : values) {
      if (typeof v === 'string') text += name + v;
      else {
        parts.push(text + name, v);
        text = '';
      }
    }
  }
  if (text) parts.push(text);
  return parts;
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
      const sig = hmac(algorithm, secret, signedData(url, formParams(body))).toString('base64');
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
    const params = withHash ? null : formParams(body);
    // The URL as given first; then the variants Twilio's own validator accepts (default port written or not,
    // normalised by the URL parser). Which one matched is no secret, so the first match ends the search.
    const sig = value.trim();
    const check = (candidate: string) => safeEqual(hmac(algorithm, secret, signedData(candidate, params)).toString('base64'), sig);
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
