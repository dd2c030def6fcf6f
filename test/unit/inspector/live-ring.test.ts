import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveDelivery, LiveRing } from '../../../src/inspector/live-ring.js';
import type { ReceivedEvent } from '../../../src/listener/types.js';

function event(seq: number, body: Buffer): ReceivedEvent {
  return {
    seq, receivedAt: '2026-11-30T00:00:00.000Z', method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body,
    status: 200, provider: 'stripe', type: 'charge.succeeded', id: `evt_${seq}`, verified: true, reason: null, duplicate: false,
    skipped: false, recorded: null,
  };
}

/** A body of `size` bytes that differs from every other one (its number in every byte pair). */
function bodyOf(seq: number, size: number): Buffer {
  const body = Buffer.alloc(size);
  for (let i = 0; i + 1 < size; i += 2) body.writeUInt16LE(seq & 0xffff, i);
  if (size % 2) body[size - 1] = seq & 0xff;
  return body;
}

function add(ring: LiveRing, seq: number, body: Buffer): LiveDelivery {
  const d = new LiveDelivery(seq, event(seq, body), false, ring.bodies);
  ring.add(d);
  return d;
}

describe('LiveRing', () => {
  it('gives back the exact body of every delivery it still holds, whatever the sizes that came after', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        // Mostly small bodies (they share slabs), some large (a buffer each), bursts of each, sizes that change a lot.
        fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 4096 }) }, { weight: 1, arbitrary: fc.integer({ min: 4097, max: 70_000 }) }), {
          minLength: 1,
          maxLength: 250,
          size: 'max',
        }),
        (size, sizes) => {
          const ring = new LiveRing(size);
          sizes.forEach((n, i) => {
            const seq = i + 1;
            add(ring, seq, bodyOf(seq, n));
            for (let held = Math.max(1, seq - size + 1); held <= seq; held++) {
              const d = ring.get(held)!;
              expect(d.ev.bytes).toBe(sizes[held - 1]);
              expect(d.ev.body.equals(bodyOf(held, sizes[held - 1]!))).toBe(true);
            }
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('hands out a copy of a body, which later deliveries never write over', () => {
    const ring = new LiveRing(2);
    const first = add(ring, 1, bodyOf(1, 300)).ev.body;
    for (let seq = 2; seq < 2000; seq++) add(ring, seq, bodyOf(seq, 300));
    expect(first.equals(bodyOf(1, 300))).toBe(true);
    expect(ring.get(1)).toBeUndefined();
  });

  it('starts afresh after clear, and keeps what it adds then', () => {
    const ring = new LiveRing(3);
    for (let seq = 1; seq <= 5; seq++) add(ring, seq, bodyOf(seq, 1000));
    ring.clear();
    expect([...ring.newestFirst()]).toEqual([]);
    add(ring, 6, bodyOf(6, 20));
    expect(ring.get(6)!.ev.body.equals(bodyOf(6, 20))).toBe(true);
  });
});
