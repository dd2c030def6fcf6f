import { forwardableHeaders } from '../adapters/http/headers.js';
import { detectProvider, eventInfo, signWebhook, SIGNATURE_HEADERS } from '../adapters/webhooks/index.js';
import { PROVIDERS, type Headers, type Provider } from '../adapters/webhooks/scheme.js';
import { envelopeBody, type ParsedFixture } from '../core/fixtures.js';

export interface PrepareOptions {
  /** With a secret, fixtures are re-signed at `nowSec` (unless keepSignature). */
  secret?: string;
  /** For envelopes that do not name their provider, and for bare bodies (default stripe). */
  provider?: Provider;
  keepSignature: boolean;
  /** --header values, applied last. */
  headers: Record<string, string>;
  nowSec: number;
  userAgent?: string;
}

/** What is sent for one fixture. */
export interface PreparedRequest {
  headers: Record<string, string>;
  body: Buffer;
  provider: Provider | null;
  type: string | null;
  id: string | null;
  /** True when fresh signature headers replaced (or were added to) the recorded ones. */
  resigned: boolean;
  /** The fixture carries no signature and none was added. */
  unsigned: boolean;
}

const ALL_SIGNATURE_HEADERS = new Set(PROVIDERS.flatMap((p) => SIGNATURE_HEADERS[p]));

function withoutSignatures(headers: Headers): Headers {
  const out: Headers = {};
  for (const name in headers) if (!ALL_SIGNATURE_HEADERS.has(name)) out[name] = headers[name]!;
  return out;
}

function hasSignature(headers: Headers): boolean {
  for (const name in headers) if (ALL_SIGNATURE_HEADERS.has(name) && name !== 'webhook-id' && name !== 'svix-id') return true;
  return false;
}

/**
 * The request for one fixture. Envelopes keep their recorded headers (minus hop-by-hop ones) and exact body; with a
 * secret their signature is replaced by a fresh one (the Standard Webhooks message id is kept). Bare bodies are
 * sent as JSON, signed when there is a secret.
 */
export function prepareRequest(fixture: ParsedFixture, options: PrepareOptions): PreparedRequest {
  let headers: Headers;
  let body: Buffer;
  let provider: Provider | null;
  if (fixture.kind === 'envelope') {
    const { envelope } = fixture;
    body = envelopeBody(envelope);
    headers = forwardableHeaders(envelope.headers);
    provider = envelope.provider ?? options.provider ?? detectProvider(envelope.headers) ?? null;
  } else {
    body = fixture.body;
    headers = {
      'content-type': fixture.json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
      ...(options.userAgent ? { 'user-agent': options.userAgent } : {}),
    };
    provider = options.provider ?? 'stripe';
  }
  let resigned = false;
  if (options.secret && !options.keepSignature) {
    const signAs = provider ?? 'stripe';
    const id = headers['webhook-id'] ?? headers['svix-id'];
    const signature = signWebhook({ provider: signAs, body, secret: options.secret, timestampSec: options.nowSec, id });
    // `headers` is always a fresh object here, so it can be changed in place (this runs for every replayed fixture).
    if (hasSignature(headers) || id !== undefined) headers = withoutSignatures(headers);
    Object.assign(headers, signature);
    provider = signAs;
    resigned = true;
  }
  Object.assign(headers, options.headers);
  const info = eventInfo(provider, headers, body);
  const unsigned = !resigned && !hasSignature(headers);
  return { headers, body, provider, type: info.type ?? null, id: info.id ?? null, resigned, unsigned };
}
