import { describe, expect, it } from 'vitest';
import { SchemeCatalog } from '../../../src/adapters/webhooks/catalog.js';
import type { SignatureScheme } from '../../../src/adapters/webhooks/scheme.js';
import { parseFixture } from '../../../src/core/fixtures.js';
import type { LoadedFixture } from '../../../src/replay/load.js';
import type { PrepareOptions } from '../../../src/replay/prepare.js';
import { SignAhead } from '../../../src/replay/sign-ahead.js';

const SECRET = 'whsec_signAheadTest';
const fixtures = (n: number): LoadedFixture[] =>
  Array.from({ length: n }, (_, i) => ({ file: `${i}.json`, fixture: parseFixture(`{"id":"evt_${i}","type":"charge.succeeded"}`, `${i}.json`) }));
const stamp = (headers: Record<string, string>) => Number(/^t=(\d+),/.exec(headers['stripe-signature'] ?? '')?.[1]);

describe('SignAhead', () => {
  it('hands the fixtures out in order, each signed in the second it is taken, even when its batch was signed earlier', () => {
    let sec = 1_800_000_000;
    let signed = 0;
    const options: PrepareOptions = { secret: SECRET, keepSignature: false, headers: {}, nowSec: 0 };
    const ahead = new SignAhead(fixtures(5), options, 4, () => sec);
    const taken: Array<[string | null, number]> = [];
    while (!ahead.done) {
      const item = ahead.take();
      taken.push([item.prepared!.id, stamp(item.prepared!.headers)]);
      signed += 1;
      if (signed === 2) sec += 1; // the second changes with two of the first batch of four still to send
    }
    expect(taken).toEqual([
      ['evt_0', 1_800_000_000],
      ['evt_1', 1_800_000_000],
      ['evt_2', 1_800_000_001],
      ['evt_3', 1_800_000_001],
      ['evt_4', 1_800_000_001],
    ]);
  });

  it('signs again at resign (a rate-limited start), and raises a signing failure only when its fixture is taken', () => {
    const picky: SignatureScheme = {
      provider: 'picky', label: 'Picky', key: 'secret', signatureHeaders: ['x-picky'],
      matches: (headers) => headers['x-picky'] !== undefined,
      sign: ({ body, timestampSec }) => {
        if (body.includes('evt_2')) throw new Error('cannot sign evt_2');
        return { headers: { 'x-picky': `t=${timestampSec},v1=x` } };
      },
      verify: () => ({ valid: true, reason: null }),
    };
    let sec = 100;
    const options: PrepareOptions = { secret: SECRET, keepSignature: false, headers: {}, nowSec: 0, provider: 'picky', catalog: new SchemeCatalog([picky]) };
    const ahead = new SignAhead(fixtures(4), options, 4, () => sec);
    const first = ahead.take();
    expect(first.prepared!.headers['x-picky']).toBe('t=100,v1=x');
    sec = 160;
    expect(ahead.resign(first).headers['x-picky']).toBe('t=160,v1=x');
    expect(ahead.take().prepared!.id).toBe('evt_1');
    expect(() => ahead.take()).toThrow('cannot sign evt_2');
    expect(ahead.take().prepared!.id).toBe('evt_3');
    expect(ahead.done).toBe(true);
  });
});
