import { forwardableHeaders } from '../adapters/http/headers.js';
import type { KeyObject } from 'node:crypto';
import { BUILTIN_CATALOG, detectProvider, eventInfo, signRequest, type SchemeCatalog } from '../adapters/webhooks/index.js';
import type { Headers, Provider } from '../adapters/webhooks/scheme.js';
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
  /** Where the request goes: the URL that twilio, square and hubspot sign. */
  url?: string;
  /** Signs discord and sendgrid fixtures. */
  privateKey?: KeyObject;
  /** Custom schemes besides the built-in ones. */
  catalog?: SchemeCatalog;
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
  /** Set when signing changed where the request goes (twilio's bodySHA256 for a JSON body). */
  url?: string;
}

const builtinHeaders = BUILTIN_CATALOG.allSignatureHeaders();
const headerSets = new WeakMap<SchemeCatalog, Set<string>>();

function signatureHeaders(catalog: SchemeCatalog | undefined): Set<string> {
  if (!catalog || catalog === BUILTIN_CATALOG) return builtinHeaders;
  let set = headerSets.get(catalog);
  if (!set) headerSets.set(catalog, (set = catalog.allSignatureHeaders()));
  return set;
}

function withoutSignatures(headers: Headers, names: Set<string>): Headers {
  const out: Headers = {};
  for (const name in headers) if (!names.has(name)) out[name] = headers[name]!;
  return out;
}

function hasSignature(headers: Headers, names: Set<string>): boolean {
  for (const name in headers) if (names.has(name) && name !== 'webhook-id' && name !== 'svix-id') return true;
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
    provider = envelope.provider ?? options.provider ?? detectProvider(envelope.headers, body, options.catalog) ?? null;
  } else {
    body = fixture.body;
    headers = {
      'content-type': fixture.json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
      ...(options.userAgent ? { 'user-agent': options.userAgent } : {}),
    };
    provider = options.provider ?? 'stripe';
  }
  let resigned = false;
  let url: string | undefined;
  const names = signatureHeaders(options.catalog);
  const signAs = provider ?? 'stripe';
  const keyed = (options.catalog ?? BUILTIN_CATALOG).get(signAs)?.key === 'public-key' ? options.privateKey : options.secret;
  if (keyed && !options.keepSignature) {
    const id = headers['webhook-id'] ?? headers['svix-id'];
    const method = fixture.kind === 'envelope' ? fixture.envelope.method : 'POST';
    const signed = signRequest({
      provider: signAs, body, secret: options.secret, timestampSec: options.nowSec, id, url: options.url, method, headers,
      privateKey: options.privateKey, catalog: options.catalog,
    });
    // `headers` is always a fresh object here, so it can be changed in place (this runs for every replayed fixture).
    if (hasSignature(headers, names) || id !== undefined) headers = withoutSignatures(headers, names);
    Object.assign(headers, signed.headers);
    if (signed.body) body = signed.body;
    url = signed.url;
    provider = signAs;
    resigned = true;
  }
  Object.assign(headers, options.headers);
  const info = eventInfo(provider, headers, body);
  const unsigned = !resigned && !hasSignature(headers, names) && provider !== 'mailgun';
  return { headers, body, provider, type: info.type ?? null, id: info.id ?? null, resigned, unsigned, ...(url ? { url } : {}) };
}
