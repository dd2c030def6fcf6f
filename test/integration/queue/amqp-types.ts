import rhea from 'rhea';

/**
 * Reads encoded AMQP sections down to each value's AMQP type, the way a .NET, Java or Python consumer sees them
 * (rhea's own decoding turns uint, int, short and friends all into a JS number, and uuid and binary into bytes).
 */
const NAMES: Record<number, string> = {
  0x40: 'null', 0x41: 'boolean', 0x42: 'boolean', 0x56: 'boolean',
  0x50: 'ubyte', 0x60: 'ushort', 0x70: 'uint', 0x52: 'uint', 0x43: 'uint', 0x80: 'ulong', 0x53: 'ulong', 0x44: 'ulong',
  0x51: 'byte', 0x61: 'short', 0x71: 'int', 0x54: 'int', 0x81: 'long', 0x55: 'long',
  0x72: 'float', 0x82: 'double', 0x74: 'decimal32', 0x84: 'decimal64', 0x94: 'decimal128', 0x73: 'char',
  0x83: 'timestamp', 0x98: 'uuid', 0xa0: 'binary', 0xb0: 'binary', 0xa1: 'string', 0xb1: 'string',
  0xa3: 'symbol', 0xb3: 'symbol', 0x45: 'list', 0xc0: 'list', 0xd0: 'list', 0xc1: 'map', 0xd1: 'map', 0xe0: 'array', 0xf0: 'array',
};

interface Typed {
  type: { typecode: number };
  value: unknown;
  descriptor?: { value: unknown };
}

/** A value as [AMQP type, plain value]; lists, maps and arrays recursively. */
export function typed(t: Typed): unknown {
  const name = NAMES[t.type.typecode] ?? `0x${t.type.typecode.toString(16)}`;
  if (name === 'list' || name === 'array') return [name, (t.value as Typed[]).map(typed)];
  if (name === 'map') return [name, (t.value as Typed[]).map(typed)];
  const v = t.value;
  if (Buffer.isBuffer(v)) return [name, v.toString('hex')];
  if (v instanceof Date) return [name, v.getTime()];
  if (name === 'float') return [name, Math.fround(v as number)];
  return [name, v];
}

/** The sections of an encoded message by descriptor code, each as typed(); several body sections are kept apart. */
export function sectionsOf(raw: Buffer): Array<[number, unknown]> {
  const reader = new (rhea.types as unknown as { Reader: new (b: Buffer) => { read(): Typed; remaining(): number } }).Reader(raw);
  const out: Array<[number, unknown]> = [];
  while (reader.remaining() > 0) {
    const section = reader.read();
    out.push([Number(section.descriptor?.value), typed(section)]);
  }
  return out;
}

/** Application properties and body sections only (header, annotations and properties are the broker's and SDK's). */
export function userSections(raw: Buffer): Array<[number, unknown]> {
  return sectionsOf(raw).filter(([code]) => code === 0x74 || code >= 0x75);
}
