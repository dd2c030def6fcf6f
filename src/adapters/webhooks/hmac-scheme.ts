import { randomBytes } from 'node:crypto';
import { derivedKey, hmac, mismatchReason, safeEqual, safeEqualHex } from './hmac.js';
import { templateFields, type HmacSpec } from './hmac-spec.js';
import type { Headers, SignatureScheme, SignOptions, VerifyOptions, VerifyOutcome } from './scheme.js';
import { timestampProblem } from './tolerance.js';
import { bodyTimestamp, withBodyTimestamp } from './body-fields.js';

/** One piece of the signed content: literal bytes, or a value taken from the request. */
type Part = Buffer | { field: string };

interface Values {
  body: Buffer;
  timestamp?: string;
  id?: string;
  url?: string;
  method?: string;
  headers: Headers;
}

function compileTemplate(content: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of content.matchAll(/\{([^{}]*)\}/g)) {
    if (match.index > last) parts.push(Buffer.from(content.slice(last, match.index), 'utf8'));
    parts.push({ field: (match[1] ?? '').trim() });
    last = match.index + match[0].length;
  }
  if (last < content.length) parts.push(Buffer.from(content.slice(last), 'utf8'));
  return parts;
}

function fill(parts: Part[], v: Values): (string | Buffer)[] {
  return parts.map((p) => {
    if (Buffer.isBuffer(p)) return p;
    switch (p.field) {
      case 'body': return v.body;
      case 'timestamp': return v.timestamp ?? '';
      case 'id': return v.id ?? '';
      case 'url': return v.url ?? '';
      case 'method': return (v.method ?? 'POST').toUpperCase();
      default: return v.headers[p.field.slice(7).trim().toLowerCase()] ?? '';
    }
  });
}

/** Turns a scheme described as data into a scheme that signs and verifies. */
export function hmacScheme(spec: HmacSpec): SignatureScheme {
  const parts = compileTemplate(spec.content);
  const fields = templateFields(spec.name, spec.content);
  const headerFields = fields.filter((f) => f.startsWith('header:')).map((f) => f.slice(7).trim().toLowerCase());
  const signsUrl = fields.includes('url');
  const ms = spec.timestampUnit === 'ms';
  const decode = (secret: string) => Buffer.from(spec.secretEncoding === 'whsec' && secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  const keyOf = (secret: string) => (spec.secretEncoding === 'utf8' ? secret : derivedKey(secret, decode));
  const digest = (secret: string, v: Values) => hmac(spec.algorithm, keyOf(secret), fill(parts, v));
  const encode = (d: Buffer) => spec.prefix + d.toString(spec.encoding);
  const signatureHeaders = [spec.header, ...(spec.timestampHeader ? [spec.timestampHeader] : []), ...(spec.idHeader ? [spec.idHeader] : [])];

  const timestampOf = (headers: Headers, body: Buffer): { raw?: string; sec?: number; problem?: VerifyOutcome } => {
    if (spec.timestampHeader) {
      const raw = headers[spec.timestampHeader];
      if (raw === undefined) return { problem: { valid: false, code: 'missing_header', reason: `no ${spec.timestampHeader} header` } };
      const text = raw.trim();
      if (!(ms ? /^\d{1,15}$/ : /^\d{1,12}$/).test(text)) {
        return { problem: { valid: false, code: 'malformed_header', reason: `${spec.timestampHeader} is not a unix timestamp${ms ? ' in milliseconds' : ''}` } };
      }
      return { raw: text, sec: ms ? Math.floor(Number(text) / 1000) : Number(text) };
    }
    if (spec.timestampField) {
      const value = bodyTimestamp(body, spec.timestampField);
      if (value === undefined) {
        return { problem: { valid: false, code: 'malformed_header', reason: `the body has no numeric "${spec.timestampField}" field, which ${spec.label ?? spec.name} puts in every webhook` } };
      }
      return { raw: String(value), sec: ms ? Math.floor(value / 1000) : value };
    }
    return {};
  };

  return {
    provider: spec.name,
    label: spec.label ?? spec.name,
    key: 'secret',
    signsUrl,
    signatureHeaders,
    senderHeaders: spec.senderHeaders,
    defaultToleranceSec: spec.tolerance,

    matches: (headers) => headers[spec.header] !== undefined,

    sign(o: SignOptions) {
      const t = ms ? String(Math.floor(o.timestampSec * 1000)) : String(Math.floor(o.timestampSec));
      const body = spec.timestampField ? withBodyTimestamp(o.body, spec.timestampField, Number(t)) : o.body;
      const id = spec.idHeader ? (o.id ?? `msg_${randomBytes(16).toString('base64url')}`) : undefined;
      const sig = encode(digest(o.secret, { body, timestamp: t, id, url: o.url, method: o.method, headers: o.headers ?? {} }));
      const headers: Headers = {};
      if (spec.idHeader && id !== undefined) headers[spec.idHeader] = id;
      if (spec.timestampHeader) headers[spec.timestampHeader] = t;
      headers[spec.header] = sig;
      return body === o.body ? { headers } : { headers, body };
    },

    verify(o: VerifyOptions): VerifyOutcome {
      const value = o.headers[spec.header];
      if (value === undefined) return { valid: false, code: 'missing_header', reason: `no ${spec.header} header` };
      const time = timestampOf(o.headers, o.body);
      if (time.problem) return time.problem;
      const id = spec.idHeader ? o.headers[spec.idHeader] : undefined;
      if (fields.includes('id') && id === undefined) return { valid: false, code: 'missing_header', reason: `no ${spec.idHeader} header` };
      const absent = headerFields.find((h) => o.headers[h] === undefined);
      if (absent) return { valid: false, code: 'missing_header', reason: `no ${absent} header (it is part of the signed content)` };
      if (signsUrl && !o.url) {
        return { valid: false, code: 'missing_url', reason: `${spec.label ?? spec.name} signs the URL it called: pass it with --url (--public-url for listen)`, timestampSec: time.sec };
      }
      const received = spec.separator ? value.split(spec.separator).map((s) => s.trim()) : [value.trim()];
      let count = 0;
      for (const sig of received) if (sig.startsWith(spec.prefix)) count += 1;
      if (count === 0) {
        return { valid: false, code: 'malformed_header', reason: `${spec.header} does not start with ${spec.prefix}`, timestampSec: time.sec };
      }
      const d = digest(o.secret, { body: o.body, timestamp: time.raw, id, url: o.url, method: o.method, headers: o.headers });
      const want = spec.encoding === 'hex' ? undefined : encode(d);
      const cut = spec.prefix.length;
      let matched = false;
      for (const sig of received) {
        if (!sig.startsWith(spec.prefix)) continue;
        if (want === undefined ? safeEqualHex(d, sig.slice(cut)) : safeEqual(want, sig)) matched = true;
      }
      if (!matched) return { valid: false, code: 'signature_mismatch', reason: mismatchReason(count, spec.prefix), timestampSec: time.sec };
      const late = o.ignoreTime || time.sec === undefined ? null : timestampProblem(time.sec, o.nowSec, o.toleranceSec);
      if (late) return { valid: false, code: 'timestamp_outside_tolerance', reason: late, timestampSec: time.sec };
      return { valid: true, reason: null, timestampSec: time.sec };
    },
  };
}
