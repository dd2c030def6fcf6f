import type { EncodedValue } from './queue.js';

/*
 * AMQP types that a plain JSON value cannot say, for application properties (pure, SDK-free).
 *
 * A plain JSON number is sent the way the SDK sends a JS number: uint for whole numbers from 1 to 2^32-1, int for 0
 * and small negative ones, ulong / long beyond, double for fractions. A property drained with any other numeric type
 * is written with it, and so are the types JSON has no word for:
 *   {"$int": -5}  {"$short": 7}  {"$byte": 1}  {"$ubyte": 200}  {"$ushort": 9}  {"$uint": 0}
 *   {"$long": "-9007199254740993"}  {"$ulong": "18446744073709551615"}   (strings: 64 bits do not fit a double)
 *   {"$float": 1.5}  {"$double": 3}   ("NaN", "Infinity" and "-Infinity" as strings)
 *   {"$uuid": "0f8fad5b-d9cb-469f-a165-70867728950e"}  {"$symbol": "com.example:kind"}  {"$char": "x"}
 *   {"$decimal32" | "$decimal64" | "$decimal128": "<hex of the IEEE 754 bytes>"}
 */

export type AmqpTypeName =
  | 'byte' | 'short' | 'int' | 'long' | 'ubyte' | 'ushort' | 'uint' | 'ulong' | 'float' | 'double'
  | 'decimal32' | 'decimal64' | 'decimal128' | 'char' | 'uuid' | 'symbol';

export const TYPED_NAMES: readonly AmqpTypeName[] = [
  'byte', 'short', 'int', 'long', 'ubyte', 'ushort', 'uint', 'ulong', 'float', 'double',
  'decimal32', 'decimal64', 'decimal128', 'char', 'uuid', 'symbol',
];

/** A property value with the AMQP type it must be sent as (the adapter turns it into the SDK's typed value). */
export class AmqpTyped {
  constructor(
    readonly type: AmqpTypeName,
    /** number for the narrow numbers and floats, bigint for long/ulong, bytes for uuid and decimals, text otherwise */
    readonly value: number | bigint | Buffer | string,
  ) {}
}

const INTEGER_RANGES: Partial<Record<AmqpTypeName, [number, number]>> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
  ubyte: [0, 255],
  ushort: [0, 65535],
  uint: [0, 4294967295],
};
export const INTEGER_TYPES = Object.keys(INTEGER_RANGES) as AmqpTypeName[];
export const DECIMAL_BYTES: Partial<Record<AmqpTypeName, number>> = { decimal32: 4, decimal64: 8, decimal128: 16 };

/** The AMQP type the SDK (through rhea) gives a plain JS number. */
export function defaultNumberType(n: number): AmqpTypeName {
  if (!Number.isInteger(n)) return 'double';
  if (n > 0) return n < 2 ** 32 ? 'uint' : 'ulong';
  return n > -2147483647 ? 'int' : 'long';
}

/** A drained property value of a known AMQP type in its on-disk form; plain JSON where sending that is exact. */
export function encodeTyped(value: unknown, type: AmqpTypeName): EncodedValue | undefined {
  const key = `$${type}`;
  if (type === 'uuid' && Buffer.isBuffer(value) && value.length === 16) {
    const h = value.toString('hex');
    return { [key]: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
  }
  if (DECIMAL_BYTES[type] && Buffer.isBuffer(value)) return { [key]: value.toString('hex') };
  if (type === 'symbol' && typeof value === 'string') return { [key]: value };
  if (type === 'char' && typeof value === 'number') return { [key]: String.fromCodePoint(value) };
  if ((type === 'long' || type === 'ulong') && (typeof value === 'number' || (Buffer.isBuffer(value) && value.length === 8))) {
    if (typeof value === 'number' && defaultNumberType(value) === type) return value;
    const big = typeof value === 'number' ? BigInt(value) : type === 'long' ? value.readBigInt64BE(0) : value.readBigUInt64BE(0);
    return { [key]: big.toString() };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { [key]: String(value) };
    return defaultNumberType(value) === type && type !== 'float' ? value : { [key]: value };
  }
  return undefined;
}

/** The typed value for a one-key `{"$<type>": …}` object, or undefined when it is not one. */
export function decodeTyped(value: Record<string, EncodedValue>): AmqpTyped | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1 || !keys[0]!.startsWith('$')) return undefined;
  const type = keys[0]!.slice(1) as AmqpTypeName;
  if (!TYPED_NAMES.includes(type)) return undefined;
  const v = value[keys[0]!];
  if (type === 'uuid') return new AmqpTyped(type, Buffer.from(String(v).replace(/-/g, ''), 'hex'));
  if (DECIMAL_BYTES[type]) return new AmqpTyped(type, Buffer.from(String(v), 'hex'));
  if (type === 'long' || type === 'ulong') return new AmqpTyped(type, BigInt(String(v)));
  if (type === 'char') return new AmqpTyped(type, String(v).codePointAt(0) ?? 0);
  if (type === 'symbol') return new AmqpTyped(type, String(v));
  return new AmqpTyped(type, typeof v === 'number' ? v : Number(v));
}

/** Whether a number fits the integer type's range (for validating files). */
export function inIntegerRange(type: AmqpTypeName, n: number): boolean {
  const range = INTEGER_RANGES[type];
  return !range || (Number.isInteger(n) && n >= range[0] && n <= range[1]);
}
