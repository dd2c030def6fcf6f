import { deliver } from '../adapters/http/deliver.js';
import { parseHeaderFlags } from '../adapters/http/headers.js';
import { createNodeHttpSink } from '../adapters/http/node-http-sink.js';
import { signWebhook } from '../adapters/webhooks/index.js';
import { getSetting } from '../core/config.js';
import type { Context } from '../core/context.js';
import { CheckFailedError, UnavailableError, UsageError } from '../core/errors.js';
import { parseDuration, parseInteger } from '../core/parse.js';
import { parseUrl } from '../listener/flags.js';
import { buildEvent, closeMatches, findTemplate, TEMPLATES } from './index.js';

/** The raw options commander hands to `webhooks trigger`. */
export interface TriggerFlags {
  to?: string;
  secret?: string;
  list?: boolean;
  header: string[];
  timeout: string;
  retries: string;
}

/** `trigger --list`: the templates as a table, or one JSON document. */
export function runTriggerList(ctx: Context): void {
  if (ctx.out.json) {
    ctx.out.jsonLine(TEMPLATES.map((t) => ({ type: t.type, description: t.description })));
    return;
  }
  ctx.out.table(['TYPE', 'DESCRIPTION'], TEMPLATES.map((t) => [t.type, t.description]));
}

/**
 * Builds a Stripe test event of the given type, signs it (when a secret is set) and POSTs it. Exit 1 on a non-2xx
 * answer, 4 when the target does not answer, 2 for an unknown type (with the close matches).
 */
export async function runTrigger(ctx: Context, type: string | undefined, flags: TriggerFlags): Promise<void> {
  if (flags.list) return runTriggerList(ctx);
  if (!type) throw new UsageError('missing event type', { hint: "name one, e.g. 'payment_intent.succeeded'; 'switchyard webhooks trigger --list' shows them all" });
  if (!findTemplate(type)) {
    const close = closeMatches(type);
    throw new UsageError(`no template for event type "${type}"${close.length ? `; did you mean ${close.join(', ')}?` : ''}`, {
      hint: "'switchyard webhooks trigger --list' shows every type",
    });
  }
  if (!flags.to) throw new UsageError('missing --to <url>', { hint: 'the URL of your webhook endpoint, e.g. --to http://localhost:3000/webhooks' });
  const to = parseUrl(flags.to, '--to');
  const headers = parseHeaderFlags(flags.header);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const retries = parseInteger(flags.retries, '--retries', 0, 20);
  const secret = getSetting(ctx.config, 'webhookSecret');
  if (!secret) ctx.out.warn('no --secret: the event is sent unsigned');

  const event = buildEvent(type);
  const body = Buffer.from(JSON.stringify(event, null, 2), 'utf8');
  const signature = secret ? signWebhook({ provider: 'stripe', body, secret }) : {};
  const http = createNodeHttpSink();
  const outcome = await deliver(
    http,
    {
      url: to,
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'switchyard-trigger', ...signature, ...headers },
      body,
      timeoutMs,
    },
    { retries, signal: ctx.signal },
  ).finally(() => http.close());

  const { out } = ctx;
  if (out.json) {
    const { responseBody, responseHeaders: _headers, ...rest } = outcome;
    out.jsonLine({ type, id: event.id, signed: Boolean(secret), ...rest, ...(out.verbose ? { responseBody: responseBody ?? null } : {}) });
  } else {
    const c = out.color;
    out.line(`--> ${c.bold(type)} [${event.id}] ${secret ? c.green('signed') : c.yellow('unsigned')}`);
    const status = outcome.status === null ? c.red('[ERR]') : outcome.ok ? c.green(`[${outcome.status}]`) : c.red(`[${outcome.status}]`);
    const parts = [`<-- ${status} POST ${to} [${event.id}]`];
    if (outcome.latencyMs !== null) parts.push(`${outcome.latencyMs} ms`);
    if (outcome.attempts > 1) parts.push(c.dim(`(${outcome.attempts} attempts)`));
    if (outcome.status === null && outcome.error) parts.push(c.red(outcome.error));
    out.line(parts.join(' '));
    if (out.verbose && outcome.responseBody) out.debug(outcome.responseBody.replace(/^/gm, '      '));
  }
  if (outcome.status === null) {
    throw new UnavailableError(`${to} did not answer: ${outcome.error ?? 'no response'}`, { hint: 'is your endpoint running? check the URL and port' });
  }
  if (!outcome.ok) {
    throw new CheckFailedError(`${to} answered ${outcome.status} to ${type}`, { hint: 'add --verbose to see the response body' });
  }
}
