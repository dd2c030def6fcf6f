import {
  SIGNATURE_HEADERS,
  PROVIDERS,
  parseProvider,
  signWebhook,
  type Headers,
  type Provider,
} from '../../adapters/webhooks/index.js';
import { getSetting, requireSetting } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
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

function contentType(body: Buffer, json: boolean): string {
  if (json) return 'application/json';
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body)) return 'application/octet-stream';
  return /^[\w.%+-]+=[^\s]*$/.test(text.trim()) ? 'application/x-www-form-urlencoded' : 'text/plain; charset=utf-8';
}

/** Which provider signs: the flag, else the envelope's, else SWITCHYARD_WEBHOOK_PROVIDER when not auto, else stripe. */
function chooseProvider(ctx: Context, flag: string | undefined, parsed: ParsedFixture): Provider {
  if (flag !== undefined) return parseProvider(flag, false) as Provider;
  if (parsed.kind === 'envelope' && parsed.envelope.provider) return parsed.envelope.provider;
  const setting = getSetting(ctx.config, 'webhookProvider');
  return setting && setting !== 'auto' ? setting : 'stripe';
}

/**
 * Signs a raw body, or re-signs an envelope (its old signature headers of every provider are replaced), and prints
 * the new signature headers as `name: value` lines, or the whole envelope under --json. Never re-serialises the body.
 */
export async function runSign(ctx: Context, input: SignInput): Promise<SignResult> {
  const secret = requireSetting(ctx.config, 'webhookSecret', SECRET_HINT);
  const timestampSec =
    input.timestamp !== undefined ? parseInteger(input.timestamp, '--timestamp') : (input.nowSec ?? Math.floor(Date.now() / 1000));
  if (input.file === '-' && ctx.rt.stdin.isTTY) ctx.out.info('reading the body from stdin (end it with Ctrl-D)');
  const parsed = input.file === '-' ? parseFixture(await readStdin(ctx.rt), 'stdin') : readFixtureFile(input.file);
  const provider = chooseProvider(ctx, input.provider, parsed);
  if (input.id !== undefined && provider !== 'standard') ctx.out.warn(`--id is used only by the standard provider; ignored for ${provider}`);
  if (input.id !== undefined && input.id.trim() === '') throw new UsageError('--id must not be empty');

  const body = parsed.kind === 'envelope' ? envelopeBody(parsed.envelope) : parsed.body;
  const old = parsed.kind === 'envelope' ? parsed.envelope.headers : {};
  const id = input.id ?? old['webhook-id'] ?? old['svix-id'];
  const signature = signWebhook({ provider, body, secret, timestampSec, id });

  const stale = new Set(PROVIDERS.flatMap((p) => SIGNATURE_HEADERS[p]));
  const kept = Object.fromEntries(Object.entries(old).filter(([name]) => !stale.has(name)));
  let envelope: FixtureEnvelope;
  if (parsed.kind === 'envelope') {
    // The body string (and its encoding) is carried over untouched.
    const { method, path, receivedAt, body: text, bodyEncoding } = parsed.envelope;
    envelope = {
      provider,
      method,
      path,
      receivedAt: receivedAt ?? new Date(timestampSec * 1000).toISOString(),
      headers: { ...kept, ...signature },
      body: text,
      ...(bodyEncoding ? { bodyEncoding } : {}),
    };
  } else {
    const fields = {
      provider,
      method: 'POST',
      path: '/',
      receivedAt: new Date(timestampSec * 1000).toISOString(),
      headers: { 'content-type': contentType(body, parsed.json), ...signature },
    };
    envelope = createEnvelope(fields, body);
  }

  if (ctx.out.json) ctx.out.jsonLine(envelope);
  else for (const [name, value] of Object.entries(signature)) ctx.out.line(`${name}: ${value}`);
  return { provider, signature, envelope };
}
