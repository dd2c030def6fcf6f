import type { KeyObject } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { BUILTIN_CATALOG, type SchemeCatalog } from './catalog.js';
import { diagnoseMismatch } from './diagnose.js';
import { PROVIDERS, type FailureCode, type Headers, type Provider, type SignedParts } from './scheme.js';

export * from './scheme.js';
export { eventInfo } from './event-info.js';
export { formatSpan } from './tolerance.js';
export { BUILTIN_CATALOG, SchemeCatalog, catalogFor, readSchemeFlag } from './catalog.js';
export { publicUrlFor } from './url-parts.js';
export { challengeAnswer } from './challenge.js';

/** Headers that carry a signature (or are signed with it), per built-in provider: replaced when a fixture is re-signed. */
export const SIGNATURE_HEADERS: Record<string, readonly string[]> = Object.fromEntries(
  PROVIDERS.map((p) => [p, BUILTIN_CATALOG.require(p).signatureHeaders]),
);

/** The default tolerance of every timestamped scheme, in seconds (Linear's own is 60). */
export const DEFAULT_TOLERANCE_SEC = 300;

/** A --provider value; unknown names are a usage error listing the providers. */
export function parseProvider(value: string, allowAuto: boolean, catalog: SchemeCatalog = BUILTIN_CATALOG): Provider | 'auto' {
  const v = value.trim().toLowerCase();
  if (allowAuto && v === 'auto') return 'auto';
  if (catalog.get(v)) return v;
  const known = [...catalog.names(), ...(allowAuto ? ['auto'] : [])].join(', ');
  throw new UsageError(`unknown provider "${value}"`, { hint: `use one of: ${known}` });
}

function lowerKeys(headers: Headers): Headers {
  // Node lower-cases incoming header names already; copy only for a caller that passed other casing (this runs
  // for every request the listener verifies).
  for (const k in headers) {
    if (/[A-Z]/.test(k)) {
      const out: Headers = {};
      for (const [name, v] of Object.entries(headers)) out[name.toLowerCase()] = v;
      return out;
    }
  }
  return headers;
}

/** The provider whose signature the request carries (--provider auto), else the one other headers point to. */
export function detectProvider(headers: Headers, body?: Buffer, catalog: SchemeCatalog = BUILTIN_CATALOG): Provider | undefined {
  return catalog.detect(lowerKeys(headers), body)?.provider;
}

export interface SignRequestOptions {
  provider: Provider;
  body: Buffer;
  secret?: string;
  timestampSec?: number;
  id?: string;
  url?: string;
  method?: string;
  /** The request's other headers (content-type; HubSpot's signature version). */
  headers?: Headers;
  privateKey?: KeyObject;
  catalog?: SchemeCatalog;
}

/** Signs a request: the signature headers, and the body or URL when the scheme changes them (mailgun, twilio JSON). */
export function signRequest(opts: SignRequestOptions): SignedParts {
  const scheme = (opts.catalog ?? BUILTIN_CATALOG).require(opts.provider);
  if (scheme.key === 'secret' && !opts.secret) {
    throw new UsageError(`${scheme.provider} signs with a shared secret: pass --secret`, { hint: 'or set SWITCHYARD_WEBHOOK_SECRET' });
  }
  const timestampSec = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  return scheme.sign({
    body: opts.body, secret: opts.secret ?? '', timestampSec, id: opts.id, url: opts.url, method: opts.method,
    headers: opts.headers ? lowerKeys(opts.headers) : undefined, privateKey: opts.privateKey,
  });
}

/** The signature headers (lower-case names) for `body`; the timestamp defaults to now. */
export function signWebhook(opts: { provider: Provider; body: Buffer; secret: string; timestampSec?: number; id?: string }): Headers {
  return signRequest(opts).headers;
}

/** A verification result: which provider was checked, and why it failed when it did. */
export interface VerifyResult {
  provider: Provider | null;
  valid: boolean;
  reason: string | null;
  code?: FailureCode;
}

export interface VerifyWebhookOptions {
  provider: Provider | 'auto';
  body: Buffer;
  headers: Headers;
  /** The shared secret; may be empty for schemes verified with a public key. */
  secret: string;
  nowSec?: number;
  /** Seconds either side of now; default the scheme's own (300 for most). */
  toleranceSec?: number;
  ignoreTime?: boolean;
  /** The URL the provider called (twilio, square, hubspot and custom schemes with {url}). */
  url?: string;
  method?: string;
  publicKey?: KeyObject;
  catalog?: SchemeCatalog;
  /**
   * Look for what would have verified after a mismatch (default true). It costs up to about fifty HMACs of the
   * body, so a server facing untrusted traffic may turn it off; bodies over 1 MiB get only the secret checks.
   */
  diagnose?: boolean;
}

/**
 * Verifies a webhook and, when it fails, says why: a missing header or another provider's headers, a missing key,
 * a timestamp outside the tolerance, or the alternative (secret prefix, URL variant, line endings, JSON
 * re-serialisation) that would have verified. Never throws for bad input.
 */
export function verifyWebhook(opts: VerifyWebhookOptions): VerifyResult {
  const catalog = opts.catalog ?? BUILTIN_CATALOG;
  const headers = lowerKeys(opts.headers);
  const scheme = opts.provider === 'auto' ? catalog.detect(headers, opts.body) : catalog.get(opts.provider);
  if (!scheme) {
    if (opts.provider !== 'auto') return { provider: opts.provider, valid: false, code: 'missing_key', reason: `unknown scheme "${opts.provider}": describe it with --scheme or under "schemes" in the config file` };
    const names = catalog.ordering().map((s) => s.signatureHeaders[0]).filter(Boolean).join(', ');
    return { provider: null, valid: false, code: 'missing_header', reason: `no signature header of a known provider (${names}; or a Mailgun signature in the body)` };
  }
  const provider = scheme.provider;
  if (scheme.key === 'secret' && !opts.secret) {
    return { provider, valid: false, code: 'missing_key', reason: `${scheme.label} signs with a shared secret: pass --secret (or set SWITCHYARD_WEBHOOK_SECRET)` };
  }
  const options = {
    body: opts.body,
    headers,
    secret: opts.secret,
    nowSec: opts.nowSec ?? Math.floor(Date.now() / 1000),
    toleranceSec: opts.toleranceSec ?? scheme.defaultToleranceSec ?? DEFAULT_TOLERANCE_SEC,
    ignoreTime: opts.ignoreTime,
    url: opts.url,
    method: opts.method,
    publicKey: opts.publicKey,
  };
  const outcome = scheme.verify(options);
  if (outcome.valid) return { provider, valid: true, reason: null };
  if (outcome.code === 'missing_header') {
    const other = catalog.ordering().find((s) => s !== scheme && s.matches(headers, opts.body));
    if (other) {
      const present = other.signatureHeaders.filter((n) => headers[n] !== undefined).join(', ') || 'in the body';
      const usable = other.key === 'secret' ? Boolean(opts.secret) : Boolean(opts.publicKey);
      const key = other.key === 'secret' ? 'secret' : 'public key';
      const verdict = usable && other.verify({ ...options, ignoreTime: true }).valid ? 'it verifies as' : `it does not verify with this ${key} as`;
      return {
        provider,
        valid: false,
        code: 'other_provider',
        reason: `${outcome.reason}: the signature headers (${present}) are ${other.provider}'s, and ${verdict} ${other.provider}`,
      };
    }
  }
  if (outcome.code === 'signature_mismatch' && opts.diagnose !== false) {
    const found = diagnoseMismatch(scheme, options);
    if (found) return { provider, valid: false, ...found };
  }
  return { provider, valid: false, reason: outcome.reason, code: outcome.code };
}
