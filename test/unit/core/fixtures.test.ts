import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  createEnvelope,
  envelopeBody,
  parseFixture,
  readFixtureFile,
  serializeFixture,
  writeFixtureAtomic,
} from '../../../src/core/fixtures.js';
import { usageMessage } from '../../support/usage-error.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'switchyard-fixtures-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});


describe('parseFixture', () => {
  it('reads an envelope, lower-cases header names and fills method and path', () => {
    const text = JSON.stringify({ headers: { 'Stripe-Signature': 't=1,v1=x' }, body: '{"a":1}\r\n', receivedAt: '2026-01-01T00:00:00Z' });
    const parsed = parseFixture(text, 'a.json');
    expect(parsed).toEqual({
      kind: 'envelope',
      envelope: { method: 'POST', path: '/', receivedAt: '2026-01-01T00:00:00Z', headers: { 'stripe-signature': 't=1,v1=x' }, body: '{"a":1}\r\n' },
    });
    if (parsed.kind === 'envelope') expect(envelopeBody(parsed.envelope).toString('utf8')).toBe('{"a":1}\r\n');
  });

  it('takes JSON that is not an envelope as an unsigned body, byte for byte', () => {
    const text = '{\n  "id": "evt_1",\n  "object": "event",\n  "type": "charge.refunded"\n}';
    expect(parseFixture(text, 'e.json')).toEqual({ kind: 'body', body: Buffer.from(text), json: true, value: JSON.parse(text) });
    expect(parseFixture('[1,2]', 'x')).toMatchObject({ kind: 'body', json: true, value: [1, 2] });
    // With a byte-order mark the bytes sent are not what was parsed: replay must look at the bytes themselves.
    expect(parseFixture(`\uFEFF${text}`, 'e.json')).toEqual({ kind: 'body', body: Buffer.from(`\uFEFF${text}`), json: true });
  });

  it('takes a file that is not JSON as a raw body', () => {
    const raw = Buffer.from('token=x&text=%C3%BC\r\n');
    expect(parseFixture(raw, 'f')).toEqual({ kind: 'body', body: raw, json: false });
    expect(parseFixture('hello {world}', 'f')).toMatchObject({ kind: 'body', json: false });
  });

  it('refuses text that opens like JSON but does not parse (a truncated file), and an envelope without a body', () => {
    expect(() => parseFixture('{"id": "evt_1", "type": "char', 'broken.json')).toThrow(/^broken\.json: invalid fixture: not valid JSON/);
    expect(() => parseFixture('[1, 2', 'f')).toThrow(UsageError);
    expect(() => parseFixture('{"provider":"stripe","headers":{}}', 'f')).toThrow('the envelope has no "body"');
  });

  it('names the file and the missing part of an incomplete envelope', () => {
    expect(usageMessage(() => parseFixture('{"method":"POST","headers":{}}', 'x.json'))).toBe(
      'x.json: invalid fixture: the envelope has no "body"',
    );
    expect(usageMessage(() => parseFixture('{"method":"POST","body":"{}"}', 'y.json'))).toBe(
      'y.json: invalid fixture: the envelope has no "headers"',
    );
  });

  it('refuses a body stored as parsed JSON, and headers that are not strings', () => {
    expect(usageMessage(() => parseFixture('{"headers":{},"body":{"a":1}}', 'z.json'))).toContain('"body" is parsed JSON');
    expect(usageMessage(() => parseFixture('{"headers":{"x-a":1},"body":""}', 'z.json'))).toBe('z.json: invalid fixture: "headers.x-a" must be a string (one header value)');
  });
});

describe('envelopes and binary bodies', () => {
  it('stores a body that is not UTF-8 in base64 and gets the same bytes back', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0d, 0x0a]);
    const env = createEnvelope({ method: 'POST', path: '/', headers: {} }, bytes);
    expect(env.bodyEncoding).toBe('base64');
    const reparsed = parseFixture(serializeFixture(env), 'b.json');
    expect(reparsed.kind === 'envelope' && envelopeBody(reparsed.envelope).equals(bytes)).toBe(true);
  });

  it('keeps UTF-8 text as text', () => {
    const env = createEnvelope({ method: 'POST', path: '/', headers: {} }, Buffer.from('Zoë\r\n'));
    expect(env).toEqual({ method: 'POST', path: '/', headers: {}, body: 'Zoë\r\n' });
  });
});

describe('readFixtureFile', () => {
  it('names an unreadable file and why', () => {
    const dir = tempDir();
    expect(usageMessage(() => readFixtureFile(join(dir, 'missing.json')))).toBe(`${join(dir, 'missing.json')}: cannot read fixture: no such file`);
    expect(usageMessage(() => readFixtureFile(dir))).toBe(`${dir}: cannot read fixture: is a directory`);
  });
});

describe('writeFixtureAtomic', () => {
  it('writes the envelope under its name, creating the folder, and leaves no temporary file', async () => {
    const dir = join(tempDir(), 'recorded');
    const env = createEnvelope({ provider: 'stripe', method: 'POST', path: '/hook', headers: { 'stripe-signature': 't=1,v1=a' } }, Buffer.from('{"x":"ü"}'));
    const path = await writeFixtureAtomic(dir, '0001-evt.json', env);
    expect(path).toBe(join(dir, '0001-evt.json'));
    expect(readdirSync(dir)).toEqual(['0001-evt.json']);
    expect(readFixtureFile(path)).toEqual({ kind: 'envelope', envelope: env });
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('refuses a file name that would leave the folder', async () => {
    const env = createEnvelope({ method: 'POST', path: '/', headers: {} }, Buffer.from(''));
    await expect(writeFixtureAtomic(tempDir(), '../evil.json', env)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('envelope validation messages', () => {
  it('says what a bad field must be', () => {
    expect(usageMessage(() => parseFixture('{"headers":{},"body":"","provider":"Pay Pal"}', 'p.json'))).toBe(
      'p.json: invalid fixture: "provider" must be a scheme name such as stripe or twilio (lower case)',
    );
    expect(usageMessage(() => parseFixture('{"headers":[],"body":""}', 'h.json'))).toBe('h.json: invalid fixture: "headers" must be an object of strings');
  });
});
