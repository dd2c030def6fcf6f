import { describe, expect, it } from 'vitest';
import { encodeProperties, toOutgoing } from '../../../../src/adapters/queue/message-codec.js';
import { parseMessageLine } from '../../../../src/adapters/queue/message-schema.js';
import { AmqpTyped, defaultNumberType } from '../../../../src/adapters/queue/typed-values.js';
import { UsageError } from '../../../../src/core/errors.js';

describe('encodeProperties', () => {
  it('writes a plain JSON number only where the SDK would send that number with the same AMQP type', () => {
    expect(encodeProperties({ a: 7, b: 7, c: 0, d: 0, e: 2.5, f: 3 }, { a: 'uint', b: 'int', c: 'int', d: 'uint', e: 'double', f: 'double' })).toEqual({
      a: 7,
      b: { $int: 7 },
      c: 0,
      d: { $uint: 0 },
      e: 2.5,
      f: { $double: 3 },
    });
  });

  it('writes types JSON has no word for, and 64-bit integers as decimal strings', () => {
    const uuid = Buffer.from('0f8fad5bd9cb469fa16570867728950e', 'hex');
    expect(
      encodeProperties(
        { u: uuid, s: 'com.x:y', c: 0x1f600, l: Buffer.from('8000000000000000', 'hex'), n: NaN, d: Buffer.from('2200000f', 'hex') },
        { u: 'uuid', s: 'symbol', c: 'char', l: 'long', n: 'float', d: 'decimal32' },
      ),
    ).toEqual({
      u: { $uuid: '0f8fad5b-d9cb-469f-a165-70867728950e' },
      s: { $symbol: 'com.x:y' },
      c: { $char: '😀' },
      l: { $long: '-9223372036854775808' },
      n: { $float: 'NaN' },
      d: { $decimal32: '2200000f' },
    });
  });

  it('follows rhea in choosing the type of a plain number', () => {
    expect([1, 2 ** 32 - 1, 2 ** 32, 0, -2147483646, -2147483647, 0.5].map(defaultNumberType)).toEqual(['uint', 'uint', 'ulong', 'int', 'int', 'long', 'double']);
  });
});

describe('typed properties in send --file lines', () => {
  it('reads them back as typed values', () => {
    const line = parseMessageLine(
      JSON.stringify({ body: 'x', applicationProperties: { i: { $int: -5 }, l: { $long: '-9223372036854775808' }, u: { $uuid: '0f8fad5b-d9cb-469f-a165-70867728950e' } } }),
      1,
      'f',
    );
    const props = toOutgoing(line).applicationProperties!;
    expect(props.i).toEqual(new AmqpTyped('int', -5));
    expect(props.l).toEqual(new AmqpTyped('long', -(2n ** 63n)));
    expect(props.u).toEqual(new AmqpTyped('uuid', Buffer.from('0f8fad5bd9cb469fa16570867728950e', 'hex')));
  });

  it.each([
    ['{"$byte": 300}', 'byte range'],
    ['{"$ulong": "-1"}', 'decimal string'],
    ['{"$uuid": "not-a-guid"}', 'GUID'],
    ['{"$decimal64": "00"}', '8 bytes'],
    ['{"$char": "ab"}', 'one character'],
  ])('refuses %s, naming the line, the property and the rule', (value, rule) => {
    const parse = () => parseMessageLine(`{"body":1,"applicationProperties":{"p":${value}}}`, 4, 'f.ndjson');
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(/f\.ndjson line 4: applicationProperties\.p/);
    expect(parse).toThrow(new RegExp(rule));
  });
});
