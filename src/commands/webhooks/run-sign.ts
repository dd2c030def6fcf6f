import { parseProvider, signRequest, type Headers, type Provider, type SchemeCatalog } from '../../adapters/webhooks/index.js';
import { privateKeyOption, providerWithScheme, schemeCatalog, urlOption } from '../../adapters/webhooks/options.js';
import { pathAndQuery } from '../../adapters/webhooks/url-parts.js';
import { getSetting } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { createEnvelope, envelopeBody, parseFixture, readFixtureFile, type FixtureEnvelope, type ParsedFixture } from '../../core/fixtures.js';
import { parseInteger } from '../../core/parse.js';
import { readStdin } from '../../core/stdin.js';

export interface SignInput {
  /** A path, or '-' for stdin. */
  file: string;
  provider?: string;
  /** Unix seconds, as typed. */
  timestamp?: string;
  id?: string;
  /** The URL the provider calls, for schemes that sign it. */
  url?: string;
  /** --private-key: a file or a value (discord, sendgrid). */
  privateKey?: string;
  /** --scheme: a custom HMAC scheme, a file or inline JSON. */
  scheme?: string;
  /** Now, in unix seconds (tests). */
  nowSec?: number;
}

export interface SignResult {
  provider: Provider;
  /** The new signature headers only. */
  signature: Headers;
  envelope: FixtureEnvelope;
}

const SECRET_HINT = 'pass --secret or set SWITCHYARD_WEBHOOK_SECRET (or STRIPE_WEBHOOK_SECRET)';

/** Path and query of a URL, as an envelope's `path`. */
function requestPath(url: string): string {
  const { path, query } = pathAndQuery(url);
  return (path || '/') + (query ? `?${query}` : '');
}

function contentType(body: Buffer, json: boolean): string {
  if (json) return 'application/json';
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body)) return 'application/octet-stream';
  return /^[\w.%+-]+=[^\s]*$/.test(text.trim()) ? 'application/x-www-form-urlencoded' : 'text/plain; charset=utf-8';
}

/** Which provider signs: the flag, else the envelope's, else SWITCHYARD_WEBHOOK_PROVIDER when not auto, else stripe. */
function chooseProvider(ctx: Context, flag: string | undefined, parsed: ParsedFixture, catalog: SchemeCatalog): Provider {
  if (flag !== undefined) return parseProvider(flag, false, catalog) as Provider;
  if (parsed.kind === 'envelope' && parsed.envelope.provider) return catalog.require(parsed.envelope.provider, 'provider in the fixture').provider;
  const setting = getSetting(ctx.config, 'webhookProvider');
  return setting && setting !== 'auto' ? setting : 'stripe';
}

/**
 * Signs a raw body, or re-signs an envelope (its old signature headers of every provider are replaced), and prints
 * the new signature headers as `name: value` lines, or the whole envelope under --json. Never re-serialises the body.
 */
export async function runSign(ctx: Context, input: SignInput): Promise<SignResult> {
  const catalog = schemeCatalog(ctx, input.scheme);
  const privateKey = privateKeyOption(input.privateKey);
  const flagUrl = urlOption(input.url, '--url');
  const timestampSec =
    input.timestamp !== undefined ? parseInteger(input.timestamp, '--timestamp') : (input.nowSec ?? Math.floor(Date.now() / 1000));
  if (input.file === '-' && ctx.rt.stdin.isTTY) ctx.out.info('reading the body from stdin (end it with Ctrl-D)');
  const parsed = input.file === '-' ? parseFixture(await readStdin(ctx.rt), 'stdin') : readFixtureFile(input.file);
  const provider = chooseProvider(ctx, providerWithScheme(input.provider, catalog, input.scheme), parsed, catalog);
  const scheme = catalog.require(provider);
  const secret = getSetting(ctx.config, 'webhookSecret');
  if (scheme.key === 'secret' && !secret) throw new ConfigError('SWITCHYARD_WEBHOOK_SECRET is not set', { hint: SECRET_HINT });
  if (scheme.key === 'public-key' && !privateKey) {
    throw new UsageError(`${provider} signs with a private key: pass --private-key <file or PEM>`, { hint: `switchyard webhooks keygen --provider ${provider} makes a test key pair` });
  }
  const usesId = ['standard', 'mailgun'].includes(provider) || catalog.custom.includes(scheme);
  if (input.id !== undefined && !usesId) ctx.out.warn(`--id is used only by standard, mailgun (its token) and custom schemes; ignored for ${provider}`);
  if (input.id !== undefined && input.id.trim() === '') throw new UsageError('--id must not be empty');

  const body = parsed.kind === 'envelope' ? envelopeBody(parsed.envelope) : parsed.body;
  const old = parsed.kind === 'envelope' ? parsed.envelope.headers : {};
  const url = flagUrl ?? (parsed.kind === 'envelope' ? parsed.envelope.url : undefined);
  if (scheme.signsUrl && !url) {
    throw new UsageError(`${provider} signs the URL it calls: pass it with --url`, { hint: 'e.g. --url https://example.com/webhooks' });
  }
  const id = input.id ?? old['webhook-id'] ?? old['svix-id'];
  const method = parsed.kind === 'envelope' ? parsed.envelope.method : 'POST';
  const type = parsed.kind === 'envelope' ? old['content-type'] : contentType(body, parsed.json);
  const signed = signRequest({ provider, body, secret, timestampSec, id, url, method, headers: { ...old, ...(type ? { 'content-type': type } : {}) }, privateKey, catalog });
  const signature = signed.headers;
  const signedUrl = signed.url ?? url;

  const stale = catalog.allSignatureHeaders();
  const kept = Object.fromEntries(Object.entries(old).filter(([name]) => !stale.has(name)));
  let envelope: FixtureEnvelope;
  if (parsed.kind === 'envelope') {
    // The body string (and its encoding) is carried over untouched.
    const { path, receivedAt, body: text, bodyEncoding } = parsed.envelope;
    const fields = {
      provider,
      method,
      path: signedUrl ? requestPath(signedUrl) : path,
      ...(signedUrl ? { url: signedUrl } : {}),
      receivedAt: receivedAt ?? new Date(timestampSec * 1000).toISOString(),
      headers: { ...kept, ...signature },
    };
    // The body string (and its encoding) is carried over untouched, unless the scheme signs inside it (mailgun).
    envelope = signed.body ? createEnvelope(fields, signed.body) : { ...fields, body: text, ...(bodyEncoding ? { bodyEncoding } : {}) };
  } else {
    const fields = {
      provider,
      method: 'POST',
      path: signedUrl ? requestPath(signedUrl) : '/',
      ...(signedUrl ? { url: signedUrl } : {}),
      receivedAt: new Date(timestampSec * 1000).toISOString(),
      headers: { 'content-type': type ?? 'application/json', ...signature },
    };
    envelope = createEnvelope(fields, signed.body ?? body);
  }

  if (ctx.out.json) ctx.out.jsonLine(envelope);
  else {
    for (const [name, value] of Object.entries(signature)) ctx.out.line(`${name}: ${value}`);
    if (signed.url && signed.url !== url) ctx.out.info(`send it to ${signed.url} (${scheme.label} signs a JSON body through bodySHA256 in the URL)`);
    if (signed.body) {
      ctx.out.info(`${scheme.label} signs inside the body: the signed body follows (--json gives the whole envelope)`);
      ctx.out.line(signed.body.toString('utf8'));
    }
  }
  return { provider, signature, envelope };
}
