import { parseObject, str, type ParsedJson } from './event-info.js';
import type { EventInfo, Headers } from './scheme.js';

type Json = Record<string, unknown>;

const DISCORD_TYPES: Record<number, string> = { 1: 'PING', 2: 'APPLICATION_COMMAND', 3: 'MESSAGE_COMPONENT', 4: 'APPLICATION_COMMAND_AUTOCOMPLETE', 5: 'MODAL_SUBMIT' };

/** The first element of a JSON array body (SendGrid and HubSpot send batches). */
function firstOfArray(body: Buffer, parsed: ParsedJson | undefined): Json | undefined {
  if (parsed) {
    const value = parsed();
    const first: unknown = Array.isArray(value) ? value[0] : undefined;
    return first && typeof first === 'object' ? (first as Json) : undefined;
  }
  const text = body.toString('utf8');
  if (!/^\s*\[/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    const first: unknown = Array.isArray(value) ? value[0] : undefined;
    return first && typeof first === 'object' ? (first as Json) : undefined;
  } catch {
    return undefined;
  }
}

const num = (v: unknown) => (typeof v === 'number' ? String(v) : str(v));
const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/**
 * Type and id for the schemes added after the first five, or undefined for a provider it does not know: Twilio's
 * form parameters, SendGrid's and HubSpot's batches (first event), Discord's interaction type, and each JSON
 * provider's own field names. Never throws.
 */
export function moreEventInfo(provider: string | null, headers: Headers, body: Buffer, parsed?: ParsedJson): EventInfo | undefined {
  switch (provider) {
    case 'twilio': {
      const form = new URLSearchParams(body.toString('utf8'));
      const type = form.get('EventType') ?? form.get('MessageStatus') ?? form.get('SmsStatus') ?? form.get('CallStatus');
      return { type: str(type), id: str(form.get('MessageSid') ?? form.get('SmsSid') ?? form.get('CallSid')) ?? str(headers['i-twilio-idempotency-token']) };
    }
    case 'sendgrid': {
      const first = firstOfArray(body, parsed);
      return { type: str(first?.event), id: str(first?.sg_event_id) };
    }
    case 'hubspot': {
      const first = firstOfArray(body, parsed);
      return { type: str(first?.subscriptionType), id: num(first?.eventId) };
    }
    case 'discord': {
      const json = parseObject(body, parsed);
      return { type: typeof json?.type === 'number' ? DISCORD_TYPES[json.type] : undefined, id: str(json?.id) };
    }
    case 'paddle': {
      const json = parseObject(body, parsed);
      return { type: str(json?.event_type), id: str(json?.event_id) ?? str(json?.notification_id) };
    }
    case 'square': {
      const json = parseObject(body, parsed);
      return { type: str(json?.type), id: str(json?.event_id) };
    }
    case 'zoom': {
      const json = parseObject(body, parsed);
      return { type: str(json?.event), id: str(headers['x-zm-trackingid']) };
    }
    case 'linear': {
      const json = parseObject(body, parsed);
      const type = str(json?.type);
      const action = str(json?.action);
      return { type: type && action ? `${type}.${action}` : (str(headers['linear-event']) ?? type), id: str(headers['linear-delivery']) ?? str(json?.webhookId) };
    }
    case 'typeform': {
      const json = parseObject(body, parsed);
      return { type: str(json?.event_type), id: str(json?.event_id) };
    }
    case 'intercom': {
      const json = parseObject(body, parsed);
      return { type: str(json?.topic), id: str(json?.id) };
    }
    case 'mailgun': {
      const data = obj(parseObject(body, parsed)?.['event-data']);
      return { type: str(data?.event), id: str(data?.id) };
    }
    default:
      return undefined;
  }
}
