import { createHash } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { hmacSha256, safeEqual } from './hmac.js';
import type { Headers, SignatureScheme, SignedParts, VerifyOptions, VerifyOutcome } from './scheme.js';
import { timestampProblem } from './tolerance.js';

const V1 = 'x-hubspot-signature';
const V3 = 'x-hubspot-signature-v3';
const VERSION = 'x-hubspot-signature-version';
const TIMESTAMP = 'x-hubspot-request-timestamp';

type Version = 'v1' | 'v2' | 'v3';

function versionOf(headers: Headers): Version | null {
  if (headers[V3] !== undefined) return 'v3';
  const v = (headers[VERSION] ?? 'v1').trim().toLowerCase();
  return v === 'v1' || v === 'v2' ? v : null;
}

/** v1: hex SHA-256 of secret + body; v2: of secret + method + URL + body (plain hashes, not HMACs, as HubSpot has it). */
function plainHash(version: 'v1' | 'v2', secret: string, method: string, url: string, body: Buffer): string {
  const hash = createHash('sha256').update(secret);
  if (version === 'v2') hash.update(method + url);
  return hash.update(body).digest('hex');
}

function v3(secret: string, method: string, url: string, body: Buffer, timestamp: string): string {
  return hmacSha256(secret, method + url, body, timestamp).toString('base64');
}

function verifyV3(o: VerifyOptions, method: string): VerifyOutcome {
  const raw = o.headers[TIMESTAMP]?.trim();
  if (raw === undefined) return { valid: false, code: 'missing_header', reason: `no ${TIMESTAMP} header` };
  if (!/^\d{1,15}$/.test(raw)) return { valid: false, code: 'malformed_header', reason: `${TIMESTAMP} is not a unix timestamp in milliseconds` };
  const timestampSec = Math.floor(Number(raw) / 1000);
  if (!o.url) return { valid: false, code: 'missing_url', reason: 'HubSpot signs the URL it called: pass it with --url (--public-url for listen)', timestampSec };
  if (!safeEqual(v3(o.secret, method, o.url, o.body, raw), (o.headers[V3] ?? '').trim())) {
    return { valid: false, code: 'signature_mismatch', reason: 'the v3 signature does not match: either the client secret is wrong, the URL differs from the one HubSpot called, or the body was changed — these cannot be told apart', timestampSec };
  }
  const late = o.ignoreTime ? null : timestampProblem(timestampSec, o.nowSec, o.toleranceSec);
  if (late) return { valid: false, code: 'timestamp_outside_tolerance', reason: late, timestampSec };
  return { valid: true, reason: null, timestampSec };
}

/**
 * HubSpot, in the version `X-HubSpot-Signature-Version` names: v3 (`X-HubSpot-Signature-v3`, base64 HMAC-SHA256 of
 * method + URL + body + `X-HubSpot-Request-Timestamp` in ms, refused after 5 minutes); v2 and v1 (`X-HubSpot-Signature`,
 * hex SHA-256 of the client secret followed by method + URL + body, or the body alone). Signs v3 unless the request's
 * headers ask for v1 or v2.
 */
export const hubspotScheme: SignatureScheme = {
  provider: 'hubspot',
  label: 'HubSpot',
  key: 'secret',
  signsUrl: true,
  signatureHeaders: [V3, TIMESTAMP, V1, VERSION],

  matches: (headers) => headers[V3] !== undefined || headers[V1] !== undefined,

  sign({ body, secret, timestampSec, url, method = 'POST', headers = {} }): SignedParts {
    const asked = headers[V3] === undefined && headers[VERSION] !== undefined ? (versionOf(headers) ?? 'v3') : 'v3';
    if (asked === 'v1') return { headers: { [VERSION]: 'v1', [V1]: plainHash('v1', secret, method, '', body) } };
    if (!url) throw new UsageError('hubspot signs the URL it calls: pass it with --url', { hint: 'e.g. --url https://example.com/hubspot' });
    if (asked === 'v2') return { headers: { [VERSION]: 'v2', [V1]: plainHash('v2', secret, method.toUpperCase(), url, body) } };
    const ts = String(Math.floor(timestampSec * 1000));
    return { headers: { [TIMESTAMP]: ts, [V3]: v3(secret, method.toUpperCase(), url, body, ts) } };
  },

  verify(o): VerifyOutcome {
    const version = versionOf(o.headers);
    const method = (o.method ?? 'POST').toUpperCase();
    if (version === null) return { valid: false, code: 'malformed_header', reason: `${VERSION} is neither v1, v2 nor v3` };
    if (version === 'v3') return verifyV3(o, method);
    const value = o.headers[V1];
    if (value === undefined) return { valid: false, code: 'missing_header', reason: `no ${V1} or ${V3} header` };
    if (version === 'v2' && !o.url) return { valid: false, code: 'missing_url', reason: 'HubSpot v2 signs the URL it called: pass it with --url (--public-url for listen)' };
    if (!safeEqual(plainHash(version, o.secret, method, o.url ?? '', o.body), value.trim())) {
      return { valid: false, code: 'signature_mismatch', reason: `the ${version} signature does not match: either the client secret is wrong${version === 'v2' ? ', the URL differs from the one HubSpot called,' : ''} or the body was changed — these cannot be told apart` };
    }
    return { valid: true, reason: null };
  },
};
