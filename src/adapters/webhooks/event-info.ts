import type { EventInfo, Headers, Provider } from './scheme.js';
import { moreEventInfo } from './event-info-more.js';

type Json = Record<string, unknown>;

/**
 * The body's JSON value, once it has been parsed elsewhere (replay parses each fixture's body once, not once per
 * send): a function returning what JSON.parse gave for the whole body as UTF-8, or undefined when it is not JSON.
 */
export type ParsedJson = () => unknown;

/** The body as a JSON object, or undefined (never throws: bodies come from the outside world). */
export function parseObject(body: Buffer, parsed?: ParsedJson): Json | undefined {
  if (parsed) {
    const value = parsed();
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  }
  if (!startsAnObject(body)) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** The first byte after JSON whitespace is `{` (checked on the bytes, before any decoding). */
function startsAnObject(body: Buffer): boolean {
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (byte === 0x7b) return true;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
  }
  return false;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Slack sends interactivity and slash commands form-encoded: `payload=<json>` or `command=/deploy&…`. */
function slackForm(body: Buffer): EventInfo {
  const form = new URLSearchParams(body.toString('utf8'));
  const payload = form.get('payload');
  if (payload) {
    try {
      const value = JSON.parse(payload) as Json;
      return { type: str(value.type), id: str(value.trigger_id) ?? str(value.action_ts) };
    } catch {
      return {};
    }
  }
  return form.get('command') ? { type: 'slash_command', id: str(form.get('trigger_id')) } : {};
}

/**
 * The event type and id, for filtering (--events) and spotting duplicates: Stripe `type`/`id` from the body;
 * GitHub `x-github-event`/`x-github-delivery`; Standard Webhooks body `type` and `webhook-id` (or `svix-id`);
 * Shopify `x-shopify-topic` and `x-shopify-webhook-id` (or `x-shopify-event-id`); Slack `event.type` (else the
 * body's `type`) and `event_id`. With no provider, the body's `type` and `id`. Never throws.
 */
export function eventInfo(provider: Provider | null, headers: Headers, body: Buffer, parsed?: ParsedJson): EventInfo {
  const h = (name: string) => str(headers[name]);
  switch (provider) {
    case 'github':
      return { type: h('x-github-event'), id: h('x-github-delivery') };
    case 'shopify':
      return { type: h('x-shopify-topic'), id: h('x-shopify-webhook-id') ?? h('x-shopify-event-id') };
    case 'standard': {
      const json = parseObject(body, parsed);
      return { type: str(json?.type), id: h('webhook-id') ?? h('svix-id') };
    }
    case 'slack': {
      const json = parseObject(body, parsed);
      if (!json) return slackForm(body);
      const inner = json.event && typeof json.event === 'object' ? (json.event as Json) : undefined;
      return { type: str(inner?.type) ?? str(json.type), id: str(json.event_id) };
    }
    default: {
      const more = moreEventInfo(provider, headers, body, parsed);
      if (more) return more;
      const json = parseObject(body, parsed);
      return { type: str(json?.type), id: str(json?.id) };
    }
  }
}
