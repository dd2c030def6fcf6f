import rhea from 'rhea';
import { AmqpTyped, type AmqpTypeName } from './typed-values.js';

/*
 * AMQP types of application properties, between rhea and the codec. rhea (under the SDK) decodes uint, int, short,
 * float and friends all to a JS number, uuid and decimals to bytes and symbols to strings, so a property drained
 * from a .NET or Java sender would come back as another type. The types are recorded while rhea decodes, and
 * typed values are handed to rhea as its own typed wrappers on the way out.
 */

/** Typecodes whose value rhea decodes to something that does not say the type. */
const AMBIGUOUS: Record<number, AmqpTypeName> = {
  0x51: 'byte', 0x61: 'short', 0x71: 'int', 0x54: 'int', 0x81: 'long', 0x55: 'long',
  0x50: 'ubyte', 0x60: 'ushort', 0x70: 'uint', 0x52: 'uint', 0x43: 'uint', 0x80: 'ulong', 0x53: 'ulong', 0x44: 'ulong',
  0x72: 'float', 0x82: 'double', 0x74: 'decimal32', 0x84: 'decimal64', 0x94: 'decimal128', 0x73: 'char',
  0x98: 'uuid', 0xa3: 'symbol', 0xb3: 'symbol',
};

const TYPES = Symbol.for('switchyard.amqp-types');

interface RheaTyped {
  type?: { typecode: number };
  value: unknown;
}
interface RheaTypes {
  unwrap_map_simple: ((o: RheaTyped) => Record<string, unknown>) & { [TYPES]?: true };
  [wrapper: string]: unknown;
}

/**
 * Makes rhea record, on every map section it decodes (application properties, annotations), the AMQP type of each
 * value whose decoded form does not say it, as a hidden (symbol-keyed) record. Values are unchanged, so the SDK and
 * everything else in the process see exactly what they saw before. Idempotent.
 */
export function recordAmqpTypes(): void {
  const types = rhea.types as unknown as RheaTypes;
  if (types.unwrap_map_simple[TYPES]) return;
  const original = types.unwrap_map_simple;
  const patched = function (this: unknown, o: RheaTyped) {
    const result = original.call(this, o);
    const items = Array.isArray(o?.value) ? (o.value as RheaTyped[]) : [];
    let kinds: Record<string, AmqpTypeName> | undefined;
    for (let i = 0; i + 1 < items.length; i += 2) {
      const kind = AMBIGUOUS[items[i + 1]?.type?.typecode ?? -1];
      if (kind) (kinds ??= {})[String(items[i]!.value)] = kind;
    }
    if (kinds && result && typeof result === 'object') Object.defineProperty(result, TYPES, { value: kinds });
    return result;
  };
  types.unwrap_map_simple = Object.assign(patched, { [TYPES]: true as const });
}

/** The recorded AMQP types of a decoded map (empty when rhea decoded it before recordAmqpTypes, or none applied). */
export function amqpTypesOf(map: object | undefined): Record<string, AmqpTypeName> {
  return ((map as Record<symbol, Record<string, AmqpTypeName>> | undefined)?.[TYPES]) ?? {};
}

const T = rhea.types as unknown as Record<string, (v: unknown) => unknown>;
const WRAP: Record<AmqpTypeName, (v: never) => unknown> = {
  byte: (v: number) => T.wrap_byte!(v),
  short: (v: number) => T.wrap_short!(v),
  int: (v: number) => T.wrap_int!(v),
  ubyte: (v: number) => T.wrap_ubyte!(v),
  ushort: (v: number) => T.wrap_ushort!(v),
  uint: (v: number) => T.wrap_uint!(v),
  long: (v: bigint) => T.wrap_long!(Number.isSafeInteger(Number(v)) ? Number(v) : int64(v, true)),
  ulong: (v: bigint) => T.wrap_ulong!(Number.isSafeInteger(Number(v)) ? Number(v) : int64(v, false)),
  float: (v: number) => T.wrap_float!(v),
  double: (v: number) => T.wrap_double!(v),
  decimal32: (v: Buffer) => T.Decimal32!(v),
  decimal64: (v: Buffer) => T.Decimal64!(v),
  decimal128: (v: Buffer) => T.Decimal128!(v),
  char: (v: number) => T.wrap_char!(v),
  uuid: (v: Buffer) => T.wrap_uuid!(v),
  symbol: (v: string) => T.wrap_symbol!(v),
};

function int64(v: bigint, signed: boolean): Buffer {
  const b = Buffer.alloc(8);
  if (signed) b.writeBigInt64BE(v);
  else b.writeBigUInt64BE(v);
  return b;
}

/** Application properties for the SDK: typed values become rhea's typed wrappers, which rhea encodes as they say. */
export function toRheaProperties(properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    out[key] = value instanceof AmqpTyped ? WRAP[value.type](value.value as never) : value;
  }
  return out;
}
