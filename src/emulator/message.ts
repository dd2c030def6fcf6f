import { randomUUID } from 'node:crypto';
import {
  Section,
  decodeSections,
  encodeList,
  encodeMap,
  encodeSection,
  encodeSymbol,
  encodeValue,
  listItems,
  mapPairs,
  readBinary,
  readText,
  splitSections,
  type DecodedFields,
} from './amqp-codec.js';

/** Annotations the broker owns: whatever a sender put there is replaced, as Service Bus does. */
const BROKER_ANNOTATIONS = new Set([
  'x-opt-sequence-number',
  'x-opt-enqueued-time',
  'x-opt-locked-until',
  'x-opt-message-state',
  'x-opt-enqueue-sequence-number',
  'x-opt-deadletter-source',
]);

/** The Service Bus batch envelope: one transfer whose data sections each hold a whole encoded message. */
export const BATCH_FORMAT = 0x80013700;

/** A message as a sender sent it: its bare bytes untouched, plus the header and annotations it chose. */
export interface IncomingMessage {
  /** properties, application-properties, body and footer, byte for byte as received. */
  bare: Buffer;
  /** The sender's own message-annotation pairs (broker-owned keys removed), already encoded. */
  annotations: Buffer[];
  durable: boolean;
  priority: number;
  ttl?: number;
  scheduledAt?: number;
}

/** A stored message; `bare` is shared between the copies a topic fans out. */
export interface StoredMessage extends IncomingMessage {
  seq: number;
  enqueuedAt: number;
  expiresAt: number;
  state: 'active' | 'deferred' | 'scheduled';
  /** How many times it was handed to a receiver (the header's delivery-count is this before the hand-over). */
  deliveries: number;
  lock?: Lock;
  /** True while its sequence number sits in the queue's ready structure. */
  ready: boolean;
  /** Its SessionId, read when it enters a session-enabled queue (undefined elsewhere). */
  sessionId: string | undefined;
}

/**
 * Makes a stored message. Every stored message is built here with the same fields in the same order, so V8 gives
 * them all one hidden class (object spreads gave each message its own, tripling the heap per message).
 */
export function storedMessage(m: Omit<StoredMessage, 'lock' | 'ready' | 'sessionId'> & { sessionId?: string }): StoredMessage {
  return {
    bare: m.bare,
    annotations: m.annotations,
    durable: m.durable,
    priority: m.priority,
    ttl: m.ttl,
    scheduledAt: m.scheduledAt,
    seq: m.seq,
    enqueuedAt: m.enqueuedAt,
    expiresAt: m.expiresAt,
    state: m.state,
    deliveries: m.deliveries,
    lock: undefined,
    ready: false,
    sessionId: m.sessionId,
  };
}

/** A peek-lock: its key (hex of the GUID bytes the SDK shows as lockToken) and expiry. */
export interface Lock {
  key: string;
  until: number;
  /** The consumer link that holds it, or undefined for locks taken through $management. */
  holder?: object;
}

const NO_ANNOTATIONS: Buffer[] = [];

/** Splits one transfer into the messages it carries (one, or many for a batch). */
export function parseTransfer(payload: Buffer, format: number): IncomingMessage[] {
  const messages =
    format !== BATCH_FORMAT
      ? [parseMessage(payload)]
      : splitSections(payload)
          .filter((s) => s.code === Section.data)
          .map((s) => parseMessage(readBinary(payload, s.valueStart)));
  return pack(messages);
}

/**
 * Copies what is kept of a transfer into one new buffer: a stored message must not pin the network buffer it
 * arrived in, and one block per transfer instead of one per message saves a buffer's overhead per message.
 */
function pack(messages: IncomingMessage[]): IncomingMessage[] {
  let total = 0;
  for (const m of messages) {
    total += m.bare.length;
    for (const a of m.annotations) total += a.length;
  }
  const block = Buffer.allocUnsafe(total);
  let at = 0;
  const copy = (b: Buffer): Buffer => {
    b.copy(block, at);
    at += b.length;
    return block.subarray(at - b.length, at);
  };
  for (const m of messages) {
    m.bare = copy(m.bare);
    if (m.annotations.length > 0) m.annotations = m.annotations.map(copy);
  }
  return messages;
}

/** Reads one encoded message, keeping its bare part as is. */
export function parseMessage(buf: Buffer): IncomingMessage {
  const sections = splitSections(buf);
  let bareStart = buf.length;
  const msg: IncomingMessage = { bare: buf, annotations: NO_ANNOTATIONS, durable: false, priority: 4 };
  for (const s of sections) {
    if (s.code === Section.header) {
      const h = decodeSections(buf.subarray(s.start, s.end));
      msg.durable = h.durable === true;
      msg.priority = typeof h.priority === 'number' ? h.priority : 4;
      if (typeof h.ttl === 'number' && h.ttl > 0) msg.ttl = h.ttl;
    } else if (s.code === Section.messageAnnotations) {
      readAnnotations(buf, s.start, s.end, s.valueStart, msg);
    } else if (s.code !== Section.deliveryAnnotations) {
      bareStart = s.start;
      break;
    }
  }
  msg.bare = withMessageId(buf.subarray(bareStart));
  return msg;
}

/**
 * Service Bus gives every message a MessageId; the JS SDK does not set one unless asked, and its lock renewer
 * refuses messages without one. So a message that arrives without an id gets one here (a GUID in hex, as
 * Service Bus assigns).
 */
function withMessageId(bare: Buffer): Buffer {
  const sections = splitSections(bare);
  const props = sections.find((s) => s.code === Section.properties);
  const items = props ? listItems(bare, props.valueStart) : [];
  const first = items[0];
  if (first && bare[first[0]] !== 0x40) return bare;
  const id = encodeValue(randomUUID().replace(/-/g, ''));
  const fields = [id, ...items.slice(1).map(([s, e]) => bare.subarray(s, e))];
  const section = encodeSection(Section.properties, encodeList(fields));
  if (!props) return Buffer.concat([section, bare]);
  return Buffer.concat([bare.subarray(0, props.start), section, bare.subarray(props.end)]);
}

function readAnnotations(buf: Buffer, start: number, end: number, valueStart: number, msg: IncomingMessage): void {
  const pairs = mapPairs(buf, valueStart);
  if (pairs.length === 0) return;
  for (const [keyStart, , pairEnd] of pairs) {
    const code = buf[keyStart];
    const key = code === 0xa3 || code === 0xb3 || code === 0xa1 || code === 0xb1 ? readText(buf, keyStart) : '';
    if (BROKER_ANNOTATIONS.has(key)) continue;
    if (msg.annotations === NO_ANNOTATIONS) msg.annotations = [];
    msg.annotations.push(buf.subarray(keyStart, pairEnd));
  }
  const scheduled = decodeSections(buf.subarray(start, end)).message_annotations?.['x-opt-scheduled-enqueue-time'];
  const at = scheduled instanceof Date ? scheduled.getTime() : typeof scheduled === 'number' ? scheduled : undefined;
  if (at !== undefined && Number.isFinite(at)) msg.scheduledAt = at;
}

/** What a delivery or a peek adds on top of the stored message. */
export interface RenderOptions {
  deliveryCount: number;
  lockedUntil?: number;
  /** The lock's GUID bytes: Service Bus repeats the lock token in the `x-opt-lock-token` delivery annotation. */
  lockToken?: Buffer;
}

const KEY_SEQUENCE = encodeSymbol('x-opt-sequence-number');
const KEY_ENQUEUED = encodeSymbol('x-opt-enqueued-time');
const KEY_LOCKED = encodeSymbol('x-opt-locked-until');
const KEY_STATE = encodeSymbol('x-opt-message-state');
const KEY_LOCK_TOKEN = encodeSymbol('x-opt-lock-token');
/** Delivery annotations holding only the lock token: described map8 of one symbol key and a uuid. */
const LOCK_TOKEN_SECTION = 3 + 3 + KEY_LOCK_TOKEN.length + 17;

/**
 * The full encoded message a receiver gets: a fresh header and message annotations in front of the untouched bare
 * bytes, written into one buffer (this runs for every delivery and every peeked message).
 */
export function renderMessage(msg: StoredMessage, options: RenderOptions): Buffer {
  const locked = options.lockedUntil !== undefined;
  const stated = msg.state !== 'active';
  let annotations = KEY_SEQUENCE.length + 9 + KEY_ENQUEUED.length + 9;
  if (locked) annotations += KEY_LOCKED.length + 9;
  if (stated) annotations += KEY_STATE.length + 5;
  for (const a of msg.annotations) annotations += a.length;
  const pairs = 2 + (locked ? 1 : 0) + (stated ? 1 : 0) + msg.annotations.length;
  const headerFields = 3 + (msg.ttl === undefined ? 1 : 5) + 1 + 5;
  const token = options.lockToken;
  const out = Buffer.allocUnsafe(6 + headerFields + (token ? LOCK_TOKEN_SECTION : 0) + 12 + annotations + msg.bare.length);
  let at = 0;
  const byte = (b: number) => (out[at++] = b);
  const u32 = (n: number) => (at = out.writeUInt32BE(Math.min(Math.max(0, Math.trunc(n)), 0xffffffff), at));
  const long = (code: number, n: number) => {
    byte(code);
    at = out.writeBigInt64BE(BigInt(Math.trunc(n)), at);
  };
  const raw = (b: Buffer) => (at += b.copy(out, at));
  // header: described list8 of durable, priority, ttl, first-acquirer, delivery-count
  byte(0x00), byte(0x53), byte(Section.header), byte(0xc0), byte(headerFields + 1), byte(5);
  byte(msg.durable ? 0x41 : 0x42), byte(0x50), byte(msg.priority & 0xff);
  if (msg.ttl === undefined) byte(0x40);
  else byte(0x70), u32(msg.ttl);
  byte(options.deliveryCount === 0 ? 0x41 : 0x42), byte(0x70), u32(options.deliveryCount);
  // Other SDKs (Python's) read a deferred message's lock token only from here.
  if (token) {
    byte(0x00), byte(0x53), byte(Section.deliveryAnnotations), byte(0xc1), byte(LOCK_TOKEN_SECTION - 5), byte(2);
    raw(KEY_LOCK_TOKEN), byte(0x98), raw(token);
  }
  // message annotations: described map32
  byte(0x00), byte(0x53), byte(Section.messageAnnotations), byte(0xd1), u32(annotations + 4), u32(pairs * 2);
  raw(KEY_SEQUENCE), long(0x81, msg.seq), raw(KEY_ENQUEUED), long(0x83, msg.enqueuedAt);
  if (locked) raw(KEY_LOCKED), long(0x83, options.lockedUntil!);
  if (stated) raw(KEY_STATE), byte(0x71), (at = out.writeInt32BE(msg.state === 'deferred' ? 1 : 2, at));
  for (const a of msg.annotations) raw(a);
  raw(msg.bare);
  return out;
}

/** The properties and application properties of a bare message, decoded (for filters and duplicate detection). */
export function readProperties(bare: Buffer): DecodedFields {
  const sections = splitSections(bare).filter(
    (s) => s.code === Section.properties || s.code === Section.applicationProperties,
  );
  if (sections.length === 0) return {};
  return decodeSections(bare.subarray(sections[0]!.start, sections[sections.length - 1]!.end));
}

/** The SessionId (AMQP group-id) of a bare message; undefined when it has none. */
export function readSessionId(bare: Buffer): string | undefined {
  const props = splitSections(bare).find((s) => s.code === Section.properties);
  if (!props) return undefined;
  const id = decodeSections(bare.subarray(props.start, props.end)).group_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * A copy of the bare message with some application properties set (dead-letter reason, an abandon's
 * propertiesToModify). Every other property keeps its exact encoding.
 */
export function withApplicationProperties(bare: Buffer, updates: Record<string, unknown>): Buffer {
  const keys = Object.keys(updates).filter((k) => updates[k] !== undefined);
  if (keys.length === 0) return bare;
  const sections = splitSections(bare);
  const existing = sections.find((s) => s.code === Section.applicationProperties);
  const items: Buffer[] = [];
  let pairs = 0;
  if (existing) {
    for (const [keyStart, , end] of mapPairs(bare, existing.valueStart)) {
      if (keys.includes(readText(bare, keyStart))) continue;
      items.push(bare.subarray(keyStart, end));
      pairs += 1;
    }
  }
  for (const key of keys) {
    items.push(encodeValue(key), encodeValue(updates[key]));
    pairs += 1;
  }
  const section = encodeSection(Section.applicationProperties, encodeMap(items, pairs));
  if (existing) return Buffer.concat([bare.subarray(0, existing.start), section, bare.subarray(existing.end)]);
  const props = sections.find((s) => s.code === Section.properties);
  const at = props ? props.end : 0;
  return Buffer.concat([bare.subarray(0, at), section, bare.subarray(at)]);
}
