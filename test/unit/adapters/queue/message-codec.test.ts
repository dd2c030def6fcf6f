import { describe, expect, it } from 'vitest';
import {
  bodyPreview,
  decodeBody,
  decodeValue,
  encodeBody,
  encodeValue,
  fit,
  idText,
  toOutgoing,
} from '../../../../src/adapters/queue/message-codec.js';
import { parseMessageLine } from '../../../../src/adapters/queue/message-schema.js';
import { UsageError } from '../../../../src/core/errors.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('encodeBody', () => {
  it('keeps a body the SDK sent as JSON as that JSON value', () => {
    expect(encodeBody(bytes('{"order":42,"items":[1,2]}'), 'data')).toEqual({ body: { order: 42, items: [1, 2] } });
    expect(encodeBody(bytes('[true,null]'), 'data')).toEqual({ body: [true, null] });
    expect(encodeBody(bytes('17'), 'data')).toEqual({ body: 17 });
  });

  it('keeps a string body (the SDK sends it JSON-quoted) as a string', () => {
    expect(encodeBody(bytes('"hello"'), 'data')).toEqual({ body: 'hello' });
  });

  it('keeps bytes that are not canonical JSON as $binary, so their exact bytes survive', () => {
    for (const text of ['plain text', '{"a": 1}', '{"a":1}\n', '']) {
      expect(encodeBody(bytes(text), 'data')).toEqual({ body: { $binary: bytes(text).toString('base64') } });
    }
    const raw = Buffer.from([0, 255, 1, 128]);
    expect(encodeBody(raw, 'data')).toEqual({ body: { $binary: raw.toString('base64') } });
  });

  it('does not let a JSON body that looks like a wrapper be read back as one', () => {
    const text = '{"$binary":"aGk="}';
    expect(encodeBody(bytes(text), 'data')).toEqual({ body: { $binary: bytes(text).toString('base64') } });
  });

  it('records value and sequence bodies with their type and typed values', () => {
    const when = new Date('2026-11-22T19:00:00.123Z');
    expect(encodeBody({ at: when, n: 1 }, 'value')).toEqual({
      body: { at: { $date: '2026-11-22T19:00:00.123Z' }, n: 1 },
      bodyType: 'value',
    });
    expect(encodeBody([[1, 'a']], 'sequence')).toEqual({ body: [[1, 'a']], bodyType: 'sequence' });
  });
});

describe('decodeBody', () => {
  it('gives back what the SDK re-encodes to the original bytes', () => {
    for (const text of ['{"order":42}', '"hello"', 'plain text', '{"a": 1}', '']) {
      const { body, bodyType } = decodeBody(encodeBody(bytes(text), 'data'));
      expect(bodyType).toBe('data');
      const wire = Buffer.isBuffer(body) ? body : bytes(JSON.stringify(body));
      expect(wire.toString('utf8')).toBe(text);
    }
  });

  it('decodes typed values inside a value body', () => {
    const { body, bodyType } = decodeBody({ body: { at: { $date: '2026-01-01T00:00:00.000Z' } }, bodyType: 'value' });
    expect(bodyType).toBe('value');
    expect((body as { at: Date }).at).toEqual(new Date('2026-01-01T00:00:00.000Z'));
  });
});

describe('encodeValue / decodeValue', () => {
  it('round-trips dates, bytes, numbers, booleans, null and strings', () => {
    const values = [new Date('2026-11-22T19:00:00.001Z'), Buffer.from([1, 2, 3]), 42, -1.5, true, false, null, 'x'];
    for (const v of values) expect(decodeValue(encodeValue(v))).toEqual(v);
  });

  it('writes dates as {"$date": iso} and bytes as {"$binary": base64}', () => {
    expect(encodeValue(new Date(0))).toEqual({ $date: '1970-01-01T00:00:00.000Z' });
    expect(encodeValue(new Uint8Array([104, 105]))).toEqual({ $binary: 'aGk=' });
  });
});

describe('parseMessageLine', () => {
  it('accepts the shape drain writes', () => {
    const line = JSON.stringify({
      messageId: 'm-1', body: { order: 42 }, contentType: 'application/json', correlationId: null, subject: 'order.created',
      sessionId: null, replyTo: null, replyToSessionId: null, to: null, partitionKey: null, timeToLive: 60000,
      applicationProperties: { tenant: 'eu', at: { $date: '2026-11-22T19:00:00.000Z' }, n: 3, ok: true, none: null },
      sequenceNumber: '17', enqueuedTimeUtc: '2026-11-22T19:00:00.000Z', deliveryCount: 1,
      deadLetterReason: 'x', deadLetterErrorDescription: 'y', deadLetterSource: null,
    });
    expect(parseMessageLine(line, 1, 'f.ndjson').messageId).toBe('m-1');
  });

  it('accepts a line with only a body', () => {
    expect(parseMessageLine('{"body":"hi"}', 3, 'f').body).toBe('hi');
  });

  const broken: [string, RegExp][] = [
    ['{"body": 1', /f\.ndjson line 7: not valid JSON/],
    ['{"messageId":"a"}', /line 7: body/],
    ['{"body":1,"applicationPropertys":{}}', /line 7: .*applicationPropertys/],
    ['{"body":{"$binary":"***"}}', /line 7: body: .*base64/],
    ['{"body":1,"applicationProperties":{"at":{"$date":"yesterday"}}}', /line 7: applicationProperties\.at/],
    ['{"body":1,"applicationProperties":{"list":[1,2]}}', /line 7: applicationProperties\.list/],
    ['{"body":1,"timeToLive":-5}', /line 7: timeToLive/],
    ['{"body":1,"sequenceNumber":17}', /line 7: sequenceNumber/],
  ];
  for (const [line, message] of broken) {
    it(`names the line and the field for ${line}`, () => {
      let caught: unknown;
      try {
        parseMessageLine(line, 7, 'f.ndjson');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as Error).message).toMatch(message);
    });
  }
});

describe('toOutgoing', () => {
  it('decodes typed properties, leaves broker and dead-letter fields out', () => {
    const line = parseMessageLine(
      JSON.stringify({
        messageId: 'm', body: { $binary: 'aGk=' }, correlationId: { $binary: 'AQI=' }, subject: 's', sessionId: null, timeToLive: 5000,
        applicationProperties: { at: { $date: '2026-01-01T00:00:00.000Z' }, DeadLetterReason: 'r', DeadLetterErrorDescription: 'd', n: 1 },
        sequenceNumber: '5', deliveryCount: 3, deadLetterReason: 'r',
      }),
      1,
      'f',
    );
    expect(toOutgoing(line)).toEqual({
      body: Buffer.from('hi'),
      messageId: 'm',
      correlationId: Buffer.from([1, 2]),
      subject: 's',
      timeToLive: 5000,
      applicationProperties: { at: new Date('2026-01-01T00:00:00.000Z'), n: 1 },
    });
  });
});

describe('bodyPreview / fit / idText', () => {
  it('shows JSON compactly, text bytes as text and other bytes as a size', () => {
    expect(bodyPreview({ body: { a: [1, 2] } })).toBe('{"a":[1,2]}');
    expect(bodyPreview({ body: { $binary: bytes('line one\nline two').toString('base64') } })).toBe('line one line two');
    expect(bodyPreview({ body: { $binary: Buffer.from([0, 1, 2, 255]).toString('base64') } })).toBe('<4 bytes>');
  });

  it('cuts long text with an ellipsis', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abc', 4)).toBe('abc');
  });

  it('renders message ids of every type as one string', () => {
    expect(idText('m-1')).toBe('m-1');
    expect(idText(7)).toBe('7');
    expect(idText({ $binary: 'AQI=' })).toBe('0102');
    expect(idText(null)).toBe('');
  });
});
