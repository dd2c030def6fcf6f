import rhea from 'rhea';

/**
 * Just enough of the AMQP 1.0 type system (spec part 1) to walk an encoded message section by section without
 * decoding it, so the broker can keep the bare message exactly as the sender wrote it and rewrite only the parts
 * it owns (header, message annotations, and application properties when a settlement asks for it).
 */

/** Section descriptor codes (AMQP 1.0 §3.2). */
export const Section = {
  header: 0x70,
  deliveryAnnotations: 0x71,
  messageAnnotations: 0x72,
  properties: 0x73,
  applicationProperties: 0x74,
  data: 0x75,
  sequence: 0x76,
  value: 0x77,
  footer: 0x78,
} as const;

const SYMBOLIC: Record<string, number> = {
  'amqp:header:list': Section.header,
  'amqp:delivery-annotations:map': Section.deliveryAnnotations,
  'amqp:message-annotations:map': Section.messageAnnotations,
  'amqp:properties:list': Section.properties,
  'amqp:application-properties:map': Section.applicationProperties,
  'amqp:data:binary': Section.data,
  'amqp:amqp-sequence:list': Section.sequence,
  'amqp:value:*': Section.value,
  'amqp:footer:map': Section.footer,
};

/** The bytes are not a valid AMQP encoding (a decode error for the peer). */
export class AmqpFormatError extends Error {
  override name = 'AmqpFormatError';
}

/** One section of an encoded message: its descriptor code and where it starts, its value starts, and it ends. */
export interface SectionRange {
  code: number;
  start: number;
  valueStart: number;
  end: number;
}

function need(buf: Buffer, end: number): number {
  if (end > buf.length) throw new AmqpFormatError('truncated AMQP value');
  return end;
}

/** The position just after the encoded value that starts at `pos`. */
export function skipValue(buf: Buffer, pos: number): number {
  need(buf, pos + 1);
  const code = buf[pos]!;
  if (code === 0x00) return skipValue(buf, skipValue(buf, pos + 1));
  const at = pos + 1;
  // The high nibble of a constructor says how wide its value is (AMQP 1.0 §1.2).
  switch (code >> 4) {
    case 0x4:
      return at;
    case 0x5:
      return need(buf, at + 1);
    case 0x6:
      return need(buf, at + 2);
    case 0x7:
      return need(buf, at + 4);
    case 0x8:
      return need(buf, at + 8);
    case 0x9:
      return need(buf, at + 16);
    case 0xa:
    case 0xc:
    case 0xe:
      need(buf, at + 1);
      return need(buf, at + 1 + buf[at]!);
    case 0xb:
    case 0xd:
    case 0xf:
      need(buf, at + 4);
      return need(buf, at + 4 + buf.readUInt32BE(at));
    default:
      throw new AmqpFormatError(`unknown AMQP type code 0x${code.toString(16)}`);
  }
}

function descriptorCode(buf: Buffer, pos: number): number {
  const code = buf[pos];
  if (code === 0x53) return buf[pos + 1]!;
  if (code === 0x80) return buf.readUInt32BE(pos + 1) === 0 ? buf.readUInt32BE(pos + 5) : -1;
  if (code === 0x44) return 0;
  if (code === 0xa3 || code === 0xb3) return SYMBOLIC[readText(buf, pos)] ?? -1;
  return -1;
}

/** Splits an encoded message into its sections. */
export function splitSections(buf: Buffer): SectionRange[] {
  const sections: SectionRange[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] !== 0x00) throw new AmqpFormatError('expected a described message section');
    const valueStart = skipValue(buf, pos + 1);
    const end = skipValue(buf, valueStart);
    sections.push({ code: descriptorCode(buf, pos + 1), start: pos, valueStart, end });
    pos = end;
  }
  return sections;
}

/** A string or symbol value at `pos`. */
export function readText(buf: Buffer, pos: number): string {
  const code = buf[pos];
  if (code === 0xa1 || code === 0xa3) return buf.toString('utf8', pos + 2, need(buf, pos + 2 + buf[pos + 1]!));
  if (code === 0xb1 || code === 0xb3) return buf.toString('utf8', pos + 5, need(buf, pos + 5 + buf.readUInt32BE(pos + 1)));
  throw new AmqpFormatError('expected a string or symbol');
}

/** The binary value at `pos` (a data section's content). */
export function readBinary(buf: Buffer, pos: number): Buffer {
  const code = buf[pos];
  if (code === 0xa0) return buf.subarray(pos + 2, need(buf, pos + 2 + buf[pos + 1]!));
  if (code === 0xb0) return buf.subarray(pos + 5, need(buf, pos + 5 + buf.readUInt32BE(pos + 1)));
  throw new AmqpFormatError('expected a binary value');
}

/** A map's key/value pairs as raw byte ranges: `[keyStart, valueStart, end]` per pair. */
export function mapPairs(buf: Buffer, pos: number): Array<[number, number, number]> {
  const code = buf[pos];
  let count: number;
  let at: number;
  if (code === 0x40) return [];
  if (code === 0xc1) {
    count = buf[pos + 2]!;
    at = pos + 3;
  } else if (code === 0xd1) {
    count = buf.readUInt32BE(pos + 5);
    at = pos + 9;
  } else {
    throw new AmqpFormatError('expected a map');
  }
  const pairs: Array<[number, number, number]> = [];
  for (let i = 0; i + 1 < count; i += 2) {
    const valueStart = skipValue(buf, at);
    const end = skipValue(buf, valueStart);
    pairs.push([at, valueStart, end]);
    at = end;
  }
  return pairs;
}

/** The raw byte ranges `[start, end]` of a list's items. */
export function listItems(buf: Buffer, pos: number): Array<[number, number]> {
  const code = buf[pos];
  let count: number;
  let at: number;
  if (code === 0x45 || code === 0x40) return [];
  if (code === 0xc0) {
    count = buf[pos + 2]!;
    at = pos + 3;
  } else if (code === 0xd0) {
    count = buf.readUInt32BE(pos + 5);
    at = pos + 9;
  } else {
    throw new AmqpFormatError('expected a list');
  }
  const items: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const end = skipValue(buf, at);
    items.push([at, end]);
    at = end;
  }
  return items;
}

/** A list32 of already-encoded items. */
export function encodeList(items: Buffer[]): Buffer {
  const content = Buffer.concat(items);
  const head = Buffer.allocUnsafe(9);
  head[0] = 0xd0;
  head.writeUInt32BE(content.length + 4, 1);
  head.writeUInt32BE(items.length, 5);
  return Buffer.concat([head, content]);
}

/** A map32 holding already-encoded key/value items. */
export function encodeMap(items: Buffer[], pairCount: number): Buffer {
  const content = Buffer.concat(items);
  const head = Buffer.allocUnsafe(9);
  head[0] = 0xd1;
  head.writeUInt32BE(content.length + 4, 1);
  head.writeUInt32BE(pairCount * 2, 5);
  return Buffer.concat([head, content]);
}

/** A described section (`0x00 0x53 code value`). */
export function encodeSection(code: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x53, code]), value]);
}

export function encodeSymbol(text: string): Buffer {
  const body = Buffer.from(text, 'ascii');
  if (body.length > 255) throw new AmqpFormatError('symbol too long');
  return Buffer.concat([Buffer.from([0xa3, body.length]), body]);
}

/** Any JS value, encoded the way rhea would (used for properties a settlement modifies). */
export function encodeValue(value: unknown): Buffer {
  const writer = new (rhea.types as unknown as RheaTypes).Writer();
  writer.write(rhea.types.wrap(value));
  return writer.toBuffer();
}

interface RheaTypes {
  Writer: new () => { write(value: unknown): void; toBuffer(): Buffer };
}

/** Decodes a slice of sections with rhea (for the few fields the broker reads: ids, ttl, filters). */
export function decodeSections(buf: Buffer): DecodedFields {
  return rhea.message.decode(buf) as unknown as DecodedFields;
}

/** The fields rhea decodes from header, annotations, properties and application-properties sections. */
export interface DecodedFields {
  durable?: boolean;
  priority?: number;
  ttl?: number;
  message_id?: unknown;
  correlation_id?: unknown;
  to?: string;
  reply_to?: string;
  subject?: string;
  content_type?: string;
  group_id?: string;
  reply_to_group_id?: string;
  message_annotations?: Record<string, unknown>;
  application_properties?: Record<string, unknown>;
}
