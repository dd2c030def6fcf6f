import { UsageError } from '../../core/errors.js';
import { diagnoseMismatch } from './diagnose.js';
import { githubScheme } from './github.js';
import { PROVIDERS, type FailureCode, type Headers, type Provider, type SignatureScheme } from './scheme.js';
import { shopifyScheme } from './shopify.js';
import { slackScheme } from './slack.js';
import { standardScheme } from './standard.js';
import { stripeScheme } from './stripe.js';

export * from './scheme.js';
export { eventInfo } from './event-info.js';
export { formatSpan } from './tolerance.js';

const SCHEMES: Record<Provider, SignatureScheme> = {
  stripe: stripeScheme,
  github: githubScheme,
  standard: standardScheme,
  shopify: shopifyScheme,
  slack: slackScheme,
};

/** Headers that carry a signature (or are signed with it), per provider: replaced when a fixture is re-signed. */
export const SIGNATURE_HEADERS: Record<Provider, readonly string[]> = {
  stripe: ['stripe-signature'],
  github: ['x-hub-signature-256', 'x-hub-signature'],
  standard: ['webhook-signature', 'webhook-timestamp', 'webhook-id', 'svix-signature', 'svix-timestamp', 'svix-id'],
  shopify: ['x-shopify-hmac-sha256'],
  slack: ['x-slack-signature', 'x-slack-request-timestamp'],
};

/** Headers that name the sender even when the signature is missing (an unsigned GitHub delivery, say). */
const SENDER_HEADERS: [Provider, string[]][] = [
  ['github', ['x-github-event', 'x-github-delivery']],
  ['standard', ['webhook-id', 'svix-id']],
  ['shopify', ['x-shopify-topic', 'x-shopify-webhook-id']],
  ['slack', ['x-slack-request-timestamp']],
];

/** The default tolerance of every timestamped scheme, in seconds. */
export const DEFAULT_TOLERANCE_SEC = 300;

/** A --provider value; unknown names are a usage error listing the providers. */
export function parseProvider(value: string, allowAuto: boolean): Provider | 'auto' {
  const v = value.trim().toLowerCase();
  if ((PROVIDERS as readonly string[]).includes(v)) return v as Provider;
  if (allowAuto && v === 'auto') return 'auto';
  const known = [...PROVIDERS, ...(allowAuto ? ['auto'] : [])].join(', ');
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

/** The provider whose signature headers are present (--provider auto), else the one other headers point to. */
export function detectProvider(headers: Headers): Provider | undefined {
  const h = lowerKeys(headers);
  const signed = PROVIDERS.find((p) => SCHEMES[p].matches(h));
  if (signed) return signed;
  for (const [provider, names] of SENDER_HEADERS) if (names.some((n) => h[n] !== undefined)) return provider;
  if (/^Stripe\//.test(h['user-agent'] ?? '')) return 'stripe';
  return undefined;
}

/** The signature headers (lower-case names) for `body`; the timestamp defaults to now. */
export function signWebhook(opts: { provider: Provider; body: Buffer; secret: string; timestampSec?: number; id?: string }): Headers {
  const timestampSec = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  return SCHEMES[opts.provider].sign({ body: opts.body, secret: opts.secret, timestampSec, id: opts.id });
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
  secret: string;
  nowSec?: number;
  /** Seconds either side of now; default 300. */
  toleranceSec?: number;
  ignoreTime?: boolean;
  /**
   * Look for what would have verified after a mismatch (default true). It costs up to about fifty HMACs of the
   * body, so a server facing untrusted traffic may turn it off; bodies over 1 MiB get only the secret checks.
   */
  diagnose?: boolean;
}

/**
 * Verifies a webhook and, when it fails, says why: a missing header or another provider's headers, a timestamp
 * outside the tolerance, or the alternative (secret prefix, line endings, JSON re-serialisation) that would have
 * verified. Never throws for bad input.
 */
export function verifyWebhook(opts: VerifyWebhookOptions): VerifyResult {
  const headers = lowerKeys(opts.headers);
  const provider = opts.provider === 'auto' ? detectProvider(headers) : opts.provider;
  if (!provider) {
    const names = PROVIDERS.map((p) => SIGNATURE_HEADERS[p][0]).join(', ');
    return { provider: null, valid: false, code: 'missing_header', reason: `no signature header of a known provider (${names})` };
  }
  const options = {
    body: opts.body,
    headers,
    secret: opts.secret,
    nowSec: opts.nowSec ?? Math.floor(Date.now() / 1000),
    toleranceSec: opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC,
    ignoreTime: opts.ignoreTime,
  };
  const scheme = SCHEMES[provider];
  const outcome = scheme.verify(options);
  if (outcome.valid) return { provider, valid: true, reason: null };
  if (outcome.code === 'missing_header') {
    const other = PROVIDERS.find((p) => p !== provider && SCHEMES[p].matches(headers));
    if (other) {
      const present = SIGNATURE_HEADERS[other].filter((n) => headers[n] !== undefined).join(', ');
      const verdict = SCHEMES[other].verify({ ...options, ignoreTime: true }).valid
        ? 'it verifies as'
        : 'it does not verify with this secret as';
      return {
        provider,
        valid: false,
        code: 'other_provider',
        reason: `${outcome.reason}: the signature headers (${present}) are ${other}'s, and ${verdict} ${other}`,
      };
    }
  }
  if (outcome.code === 'signature_mismatch' && opts.diagnose !== false) {
    const found = diagnoseMismatch(scheme, options);
    if (found) return { provider, valid: false, ...found };
  }
  return { provider, valid: false, reason: outcome.reason, code: outcome.code };
}
