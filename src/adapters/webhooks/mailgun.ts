import { randomBytes } from 'node:crypto';
import { hmacSha256, mismatchReason, safeEqualHex } from './hmac.js';
import type { SignatureScheme, VerifyOutcome } from './scheme.js';
import { timestampProblem } from './tolerance.js';
import { jsonObject } from './body-fields.js';

interface Signature {
  timestamp?: string;
  token?: string;
  signature?: string;
  /** Where it was found: the JSON body's signature object, or form fields. */
  form: boolean;
}

const asText = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

const KEY = Buffer.from('signature');

/** The `"signature": {…}` object cut out of a JSON body and parsed alone (the event data can be large). */
function quickSignature(body: Buffer): Signature | undefined {
  if (body[0] !== 0x7b) return undefined;
  // The key as bytes made once, and without its quotes (checked after): a string needle would be encoded again on
  // every search, and a needle that starts and ends with a quote, frequent in JSON, is searched three times slower.
  for (let at = body.indexOf(KEY); at >= 0; at = body.indexOf(KEY, at + 1)) {
    if (body[at - 1] !== 0x22 || body[at + KEY.length] !== 0x22) continue;
    let i = at + KEY.length + 1;
    while (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09) i++;
    if (body[i] !== 0x3a) continue;
    i++;
    while (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09) i++;
    if (body[i] !== 0x7b) continue;
    const open = i;
    const close = body.indexOf(0x7d, open);
    if (close < 0 || close - open > 1024) continue;
    const inner = body.indexOf(0x7b, open + 1);
    if (inner >= 0 && inner < close) continue;
    try {
      const o = JSON.parse(body.toString('utf8', open, close + 1)) as Record<string, unknown>;
      const found = { timestamp: asText(o.timestamp), token: asText(o.token), signature: asText(o.signature), form: false };
      if (found.token && found.signature) return found;
    } catch {
      /* not this one */
    }
  }
  return undefined;
}

/** The signature object of a JSON body, or the timestamp/token/signature fields of a form body (older webhooks). */
function readSignature(body: Buffer): Signature | undefined {
  const quick = quickSignature(body);
  if (quick) return quick;
  const json = jsonObject(body);
  if (json) {
    const s = json.signature;
    if (!s || typeof s !== 'object') return undefined;
    const o = s as Record<string, unknown>;
    return { timestamp: asText(o.timestamp), token: asText(o.token), signature: asText(o.signature), form: false };
  }
  const text = body.toString('utf8');
  if (!/(^|&)signature=/.test(text) || !/(^|&)token=/.test(text)) return undefined;
  const form = new URLSearchParams(text);
  return { timestamp: form.get('timestamp') ?? undefined, token: form.get('token') ?? undefined, signature: form.get('signature') ?? undefined, form: true };
}

/**
 * Mailgun: no header; the body carries `signature: {timestamp, token, signature}` (form fields in older webhooks),
 * the signature being hex HMAC-SHA256 of timestamp + token keyed with the HTTP webhook signing key. Signing writes
 * that object into the body (the only scheme that changes it; the rest of a JSON body is re-written compactly).
 */
export const mailgunScheme: SignatureScheme = {
  provider: 'mailgun',
  label: 'Mailgun',
  key: 'secret',
  signatureHeaders: [],

  matches: (_headers, body) => body !== undefined && body.includes('signature') && readSignature(body)?.token !== undefined,

  sign({ body, secret, timestampSec, id }) {
    const timestamp = String(Math.floor(timestampSec));
    const token = id ?? randomBytes(25).toString('hex');
    const signature = hmacSha256(secret, timestamp + token).toString('hex');
    const json = jsonObject(body);
    if (json || body.length === 0 || /^\s*\{/.test(body.toString('utf8'))) {
      const out = { ...(json ?? {}), signature: { timestamp, token, signature } };
      return { headers: {}, body: Buffer.from(JSON.stringify(out), 'utf8') };
    }
    const form = new URLSearchParams(body.toString('utf8'));
    form.set('timestamp', timestamp);
    form.set('token', token);
    form.set('signature', signature);
    return { headers: {}, body: Buffer.from(form.toString(), 'utf8') };
  },

  verify({ body, secret, nowSec, toleranceSec, ignoreTime }): VerifyOutcome {
    const found = readSignature(body);
    if (!found) return { valid: false, code: 'missing_header', reason: 'the body carries no Mailgun signature object ({"signature": {"timestamp", "token", "signature"}})' };
    const { timestamp, token, signature } = found;
    if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return { valid: false, code: 'malformed_header', reason: 'the body\'s signature.timestamp is not a unix timestamp' };
    const timestampSec = Number(timestamp);
    if (!token || !signature) return { valid: false, code: 'malformed_header', reason: 'the body\'s signature object lacks its token or signature', timestampSec };
    if (!safeEqualHex(hmacSha256(secret, timestamp + token), signature)) {
      return { valid: false, code: 'signature_mismatch', reason: `${mismatchReason(1, '').split(':')[0]}: the signing key is wrong, or the timestamp or token were changed (Mailgun signs only those, not the rest of the body)`, timestampSec };
    }
    const late = ignoreTime ? null : timestampProblem(timestampSec, nowSec, toleranceSec);
    if (late) return { valid: false, code: 'timestamp_outside_tolerance', reason: late, timestampSec };
    return { valid: true, reason: null, timestampSec };
  },
};
