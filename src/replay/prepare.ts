import { forwardableHeaders } from '../adapters/http/headers.js';
import type { KeyObject } from 'node:crypto';
import { BUILTIN_CATALOG, detectProvider, eventInfo, signRequest, type SchemeCatalog } from '../adapters/webhooks/index.js';
import type { ParsedJson } from '../adapters/webhooks/event-info.js';
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
 * What does not change between two sends of one fixture: its headers without the signatures to be replaced, its
 * body bytes, its provider, and its body's JSON (parsed at most once). Replay makes one per fixture and signs it
 * at each send (a rate-limited run signs when the fixture starts, not when it was loaded).
 */
export interface FixtureTemplate {
  /** The fixture's headers as sent to the signer (before the old signatures are removed). */
  readonly recorded: Headers;
  /** What the request carries besides the fresh signature and --header values. */
  readonly headers: Headers;
  readonly body: Buffer;
  readonly provider: Provider | null;
  /** Set when this fixture is re-signed (as this scheme); absent when it is sent as it is. */
  readonly signAs?: Provider;
  readonly method: string;
  /** The Standard Webhooks message id the fixture keeps. */
  readonly id?: string;
  readonly json: ParsedJson;
  /** The whole prepared request, when nothing about it depends on the time (not re-signed). */
  readonly fixed?: PreparedRequest;
}

const NOT_JSON = Symbol('not JSON');

/** The body's JSON value, parsed on first use and then kept; undefined when it is not JSON. */
function jsonOf(fixture: ParsedFixture, body: Buffer): ParsedJson {
  let value: unknown = fixture.kind === 'body' ? (fixture.value ?? (fixture.json ? undefined : NOT_JSON)) : undefined;
  return () => {
    if (value === undefined) {
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch {
        value = NOT_JSON;
      }
    }
    return value === NOT_JSON ? undefined : value;
  };
}

/** The part of a fixture's request that does not depend on the time: see FixtureTemplate. */
export function fixtureTemplate(fixture: ParsedFixture, options: Omit<PrepareOptions, 'nowSec'>): FixtureTemplate {
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
  const method = fixture.kind === 'envelope' ? fixture.envelope.method : 'POST';
  const json = jsonOf(fixture, body);
  const names = signatureHeaders(options.catalog);
  const signAs = provider ?? 'stripe';
  const keyed = (options.catalog ?? BUILTIN_CATALOG).get(signAs)?.key === 'public-key' ? options.privateKey : options.secret;
  if (keyed && !options.keepSignature) {
    const id = headers['webhook-id'] ?? headers['svix-id'];
    const kept = hasSignature(headers, names) || id !== undefined ? withoutSignatures(headers, names) : headers;
    return { recorded: headers, headers: kept, body, provider: signAs, signAs, method, json, ...(id !== undefined ? { id } : {}) };
  }
  const sent = { ...headers, ...options.headers };
  const info = eventInfo(provider, sent, body, json);
  const fixed: PreparedRequest = {
    headers: sent, body, provider, type: info.type ?? null, id: info.id ?? null, resigned: false,
    unsigned: !hasSignature(sent, names) && provider !== 'mailgun',
  };
  return { recorded: headers, headers, body, provider, method, json, fixed };
}

/** The request for a template at `nowSec`: freshly signed when the template says so. */
export function signTemplate(template: FixtureTemplate, options: PrepareOptions): PreparedRequest {
  if (template.fixed) return template.fixed;
  const signed = signRequest({
    provider: template.signAs!, body: template.body, secret: options.secret, timestampSec: options.nowSec, id: template.id,
    url: options.url, method: template.method, headers: template.recorded, privateKey: options.privateKey, catalog: options.catalog,
  });
  const headers = { ...template.headers, ...signed.headers, ...options.headers };
  // A scheme that signs inside the body (mailgun) sends other bytes than the template's: those are parsed afresh.
  const body = signed.body ?? template.body;
  const info = eventInfo(template.provider, headers, body, signed.body ? undefined : template.json);
  const prepared: PreparedRequest = {
    headers, body, provider: template.provider, type: info.type ?? null, id: info.id ?? null, resigned: true, unsigned: false,
  };
  if (signed.url) prepared.url = signed.url;
  return prepared;
}

/**
 * The request for one fixture. Envelopes keep their recorded headers (minus hop-by-hop ones) and exact body; with a
 * secret their signature is replaced by a fresh one (the Standard Webhooks message id is kept). Bare bodies are
 * sent as JSON, signed when there is a secret.
 */
export function prepareRequest(fixture: ParsedFixture, options: PrepareOptions): PreparedRequest {
  return signTemplate(fixtureTemplate(fixture, options), options);
}
