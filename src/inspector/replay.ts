import { deliver } from '../adapters/http/deliver.js';
import type { HttpSinkPort } from '../adapters/http/http-sink.js';
import { BUILTIN_CATALOG, type Provider, type SchemeCatalog } from '../adapters/webhooks/index.js';
import { createEnvelope } from '../core/fixtures.js';
import { prepareRequest } from '../replay/prepare.js';
import type { Delivery } from './delivery.js';
import { signedUrlOf } from './records.js';
import type { ReplayRequestJson } from './shapes.js';
import type { DeliveryStore } from './store.js';

/** A replay the inspector refuses, with the HTTP status to answer. */
export class ReplayRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ReplayContext {
  /** The only URLs a replay may go to: the listener's --forward-to and --route targets, or `inspect --to`. */
  targets: string[];
  /** The target the listener would pick for an event type. */
  route: (type: string | null) => string | null;
  secret?: string;
  provider: Provider | 'auto';
  /** Custom schemes (--scheme, the config file's) besides the built-in ones. */
  catalog?: SchemeCatalog;
  /** --public-url: the URL twilio, square and hubspot sign, for deliveries that do not carry it. */
  publicUrl?: string;
  timeoutMs: number;
  http: HttpSinkPort;
  store: DeliveryStore;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function editedHeaders(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ReplayRefused(400, '"headers" must be an object of strings');
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!TOKEN.test(name) || typeof v !== 'string' || /[\r\n\0]/.test(v)) throw new ReplayRefused(400, `invalid header "${name}"`);
    out[name.toLowerCase()] = v;
  }
  return out;
}

function editedBody(d: Delivery, input: ReplayRequestJson): Buffer {
  if (typeof input.bodyBase64 === 'string') return Buffer.from(input.bodyBase64, 'base64');
  if (typeof input.body === 'string') return Buffer.from(input.body, 'utf8');
  return d.ev.body;
}

/** Why a delivery of a public-key scheme cannot be re-signed here. */
function privateKeyOnly(provider: string): string {
  return `cannot re-sign: ${provider} signs with its own private key, which the inspector does not have; replay it as recorded, with its original signature (an edited one goes out with that signature, which then no longer matches)`;
}

/**
 * Sends a delivery again to a configured target, once (no retries: the person clicking decides), and adds the
 * answer to its timeline. `original` sends the recorded bytes and signature; `resigned` signs them afresh; `edited`
 * sends the page's body and headers, re-signed when there is a secret (labelled as edited either way).
 */
export async function replayDelivery(ctx: ReplayContext, d: Delivery, input: ReplayRequestJson): Promise<void> {
  const mode = input.mode ?? 'original';
  if (!['original', 'resigned', 'edited'].includes(mode)) throw new ReplayRefused(400, `unknown mode "${String(mode)}": original, resigned or edited`);
  if (input.target !== undefined && !ctx.targets.includes(input.target)) {
    throw new ReplayRefused(403, `${String(input.target)} is not a configured target; replays go only to ${ctx.targets.join(', ') || '(none)'}`);
  }
  const target = input.target ?? ctx.route(d.ev.type) ?? ctx.targets[0];
  if (!target) {
    throw new ReplayRefused(409, 'no target to replay to: start the listener with --forward-to or --route, or the inspector with --to');
  }
  const catalog = ctx.catalog ?? BUILTIN_CATALOG;
  if (mode === 'resigned' && d.ev.provider && catalog.get(d.ev.provider)?.key === 'public-key') {
    throw new ReplayRefused(409, privateKeyOnly(d.ev.provider));
  }
  if (mode === 'resigned' && !ctx.secret) throw new ReplayRefused(409, 'no secret to re-sign with: pass --secret');
  const edited = mode === 'edited';
  const envelope = createEnvelope(
    {
      ...(d.ev.provider ? { provider: d.ev.provider } : {}),
      method: d.ev.method,
      path: d.ev.path,
      headers: edited && input.headers !== undefined ? editedHeaders(input.headers) : d.ev.headers,
    },
    edited ? editedBody(d, input) : d.ev.body,
  );
  let prepared: ReturnType<typeof prepareRequest>;
  try {
    prepared = prepareRequest(
      { kind: 'envelope', envelope },
      {
        secret: ctx.secret,
        provider: ctx.provider === 'auto' ? undefined : ctx.provider,
        keepSignature: mode === 'original' || !ctx.secret,
        headers: {},
        nowSec: Math.floor(Date.now() / 1000),
        catalog: ctx.catalog,
        // A fresh signature covers the URL the provider signed (what the app checks), else the target's.
        url: signedUrlOf(d.ev.url, d.ev.path, ctx.publicUrl) ?? target,
      },
    );
  } catch (error) {
    // A scheme that cannot be signed with what the inspector holds (a public key, say) is a refusal, not a crash.
    throw new ReplayRefused(409, `cannot ${mode === 'original' ? 'prepare' : 're-sign'} this delivery: ${error instanceof Error ? error.message : String(error)}`);
  }
  const outcome = await deliver(
    ctx.http,
    { url: target, method: 'POST', headers: prepared.headers, body: prepared.body, timeoutMs: ctx.timeoutMs },
    { retries: 0 },
  );
  ctx.store.addAttempt(d, outcome, {
    kind: 'replay',
    mode,
    resigned: prepared.resigned,
    sent: edited ? { headers: prepared.headers, raw: prepared.body.toString('base64') } : null,
  });
}
