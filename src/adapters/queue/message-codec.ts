import type { MessageLine } from './message-schema.js';
import type { BodyType, EncodedValue, JsonValue, OutgoingMessage, PropertyValue, QueueMessage } from './queue.js';
import { decodeTyped, encodeTyped, type AmqpTypeName } from './typed-values.js';

/*
 * The on-disk message format (NDJSON, one QueueMessage per line), pure and SDK-free.
 *
 * Typed values that JSON cannot hold are wrapped in a one-key object:
 *   {"$date": "2026-11-22T19:00:00.000Z"}   an AMQP timestamp (millisecond precision, like AMQP itself)
 *   {"$binary": "<base64>"}                 bytes
 * Numbers stay JSON numbers. An application property whose AMQP type a plain value would not give back on sending
 * (an int, a uuid, a symbol, a 64-bit integer beyond ±2^53...) is written with its type: see typed-values.ts.
 *
 * A data-section body is written as the JSON value it encodes only when re-encoding that value gives back the
 * very same bytes (which is what the SDK sends for a JSON body); anything else is $binary, so a drain → send
 * round trip is byte-exact.
 */

/** Application properties that Service Bus uses for dead-lettering; they live in the deadLetter* fields instead. */
export const DEAD_LETTER_PROPERTIES = ['DeadLetterReason', 'DeadLetterErrorDescription'] as const;

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

function isWrapper(v: unknown, key: '$date' | '$binary'): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && key in v;
}

/** A broker value as JSON: Date → {"$date"}, bytes → {"$binary"}, containers recursively. */
export function encodeValue(value: unknown): EncodedValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return { $date: value.toISOString() };
  if (isBytes(value)) return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), encodeValue(v)]));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeValue(v)]));
  }
  return String(value);
}

/** Application properties in their on-disk form; `types` are the AMQP types the adapter saw on the wire. */
export function encodeProperties(properties: Record<string, unknown>, types: Record<string, AmqpTypeName> = {}): Record<string, EncodedValue> {
  const out: Record<string, EncodedValue> = {};
  for (const [key, value] of Object.entries(properties)) {
    const type = types[key];
    out[key] = (type === undefined ? undefined : encodeTyped(value, type)) ?? encodeValue(value);
  }
  return out;
}

/** An on-disk property value as the value to send (typed wrappers become AmqpTyped). */
export function decodeProperty(value: EncodedValue): PropertyValue {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const typed = decodeTyped(value);
    if (typed) return typed;
  }
  return decodeValue(value) as PropertyValue;
}

/** The inverse of encodeValue. */
export function decodeValue(value: EncodedValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  if (isWrapper(value, '$date')) return new Date(value.$date as string);
  if (isWrapper(value, '$binary')) return Buffer.from(value.$binary as string, 'base64');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeValue(v)]));
}

/** A body as received (bytes for a data section, the decoded value otherwise) in its on-disk form. */
export function encodeBody(body: unknown, bodyType: BodyType): { body: EncodedValue; bodyType?: 'value' | 'sequence' } {
  if (bodyType !== 'data') return { body: encodeValue(body), bodyType };
  const bytes = isBytes(body)
    ? Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    : Array.isArray(body) && body.every(isBytes)
      ? Buffer.concat(body)
      : undefined;
  // A data body that is not bytes means the SDK already decoded it; keep the value.
  if (!bytes) return { body: encodeValue(body) };
  const json = canonicalJson(bytes);
  return { body: json === undefined ? { $binary: bytes.toString('base64') } : json };
}

/** The JSON value the bytes encode, if JSON.stringify of it gives back exactly these bytes. */
function canonicalJson(bytes: Buffer): JsonValue | undefined {
  if (bytes.length === 0) return undefined;
  const text = bytes.toString('utf8');
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
  if (JSON.stringify(parsed) !== text) return undefined;
  // An object that looks like one of our wrappers would be read back as something else: keep its bytes.
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const keys = Object.keys(parsed);
    if (keys.length === 1 && keys[0]!.startsWith('$')) return undefined;
  }
  return parsed;
}

/** The body to hand to the SDK for an on-disk body. */
export function decodeBody(message: Pick<QueueMessage, 'body' | 'bodyType'>): { body: unknown; bodyType: BodyType } {
  const bodyType = message.bodyType ?? 'data';
  if (bodyType === 'data' && isWrapper(message.body, '$binary')) {
    return { body: Buffer.from(message.body.$binary as string, 'base64'), bodyType };
  }
  return { body: bodyType === 'data' ? message.body : decodeValue(message.body), bodyType };
}

const stringId = (v: EncodedValue | undefined): string | number | Buffer | undefined => {
  if (v === null || v === undefined) return undefined;
  return decodeValue(v) as string | number | Buffer;
};
const text = (v: string | null | undefined): string | undefined => (v === null || v === undefined ? undefined : v);

/** The message to send for an on-disk line: the sender's fields only, dead-letter properties left out. */
export function toOutgoing(line: MessageLine | QueueMessage): OutgoingMessage {
  const { body, bodyType } = decodeBody(line);
  const properties: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(line.applicationProperties ?? {})) {
    if ((DEAD_LETTER_PROPERTIES as readonly string[]).includes(key)) continue;
    properties[key] = decodeProperty(value);
  }
  const out: OutgoingMessage = { body, applicationProperties: properties };
  if (bodyType !== 'data') out.bodyType = bodyType;
  const fields = {
    messageId: stringId(line.messageId),
    correlationId: stringId(line.correlationId),
    contentType: text(line.contentType),
    subject: text(line.subject),
    sessionId: text(line.sessionId),
    replyTo: text(line.replyTo),
    replyToSessionId: text(line.replyToSessionId),
    to: text(line.to),
    partitionKey: text(line.partitionKey),
    timeToLive: line.timeToLive ?? undefined,
  };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** A short, single-line rendering of a body for tables. */
export function bodyPreview(message: Pick<QueueMessage, 'body' | 'bodyType'>): string {
  const { body } = message;
  let shown: string;
  if (isWrapper(body, '$binary') && (message.bodyType ?? 'data') === 'data') {
    const bytes = Buffer.from(body.$binary as string, 'base64');
    const asText = bytes.toString('utf8');
    shown = Buffer.from(asText, 'utf8').equals(bytes) && !/[\u0000-\u0008\u000e-\u001f]/.test(asText)
      ? asText
      : `<${bytes.length} bytes>`;
  } else {
    shown = typeof body === 'string' ? body : JSON.stringify(body);
  }
  return shown.replace(/\s+/g, ' ').trim();
}

/** Cuts text to `width` characters, marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : width === 1 ? '…' : text.slice(0, width - 1) + '…';
}

/** messageId as one string for tables, samples and journals. */
export function idText(id: EncodedValue | undefined): string {
  if (id === null || id === undefined) return '';
  if (typeof id === 'string') return id;
  if (isWrapper(id, '$binary')) return Buffer.from(id.$binary as string, 'base64').toString('hex');
  return JSON.stringify(id);
}
