import { describe, expect, it } from 'vitest';
import { useDelayedWorld } from '../support/delayed-world.js';
import { MAX_UNSETTLED } from '../../src/commands/queue/drain-loop.js';
import { drainAndKill, expectNoneLost } from '../support/drain-kill.js';
import { numbered, send } from '../integration/queue/support.js';

/*
 * The drain kill test across a network: the emulator behind a proxy that delays each direction by 10 ms, where
 * drain keeps a receive on the wire while earlier batches are written and completed. SIGKILL at random points of
 * the drain (the seed is in every failure message; SWITCHYARD_KILL_SEED replays one): afterwards every message is in
 * the file or back in the queue, no message is in the file twice, and no more are in both places than drain holds
 * at once.
 */

const COUNT = 3_000;
const LOCK_MS = 1_000;
const KILLS = 6;
const PAD = 'x'.repeat(1_000);
const { world, connectionString } = useDelayedWorld(LOCK_MS);

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env.SWITCHYARD_KILL_SEED ?? Date.now() % 1_000_000);
const next = random(seed);
const plan = Array.from({ length: KILLS }, () => ({ fraction: next() * 0.98, extraMs: Math.floor(next() * 25) }));

describe('queue drain killed with SIGKILL across a 20 ms round trip', () => {
  for (const [index, { fraction, extraMs }] of plan.entries()) {
    it(`loses nothing when killed at a random point (#${index + 1})`, async () => {
      const note = `(seed ${seed}: killed ${extraMs} ms after ${(fraction * 100).toFixed(1)}% of the file was written)`;
      const queue = world.name(`netkill${index}`);
      const messages = numbered(COUNT, 'n').map((m) => ({ ...m, body: { ...(m.body as object), pad: PAD } }));
      await send(world.client(), queue, messages);
      const outcome = await drainAndKill(world, {
        queue,
        count: COUNT,
        connectionString: connectionString(),
        lockMs: LOCK_MS,
        when: (bytes, total) => (bytes ?? 0) > 0 && (bytes ?? 0) >= fraction * total,
        extraDelayMs: extraMs,
      });
      expectNoneLost(messages.map((m) => m.messageId as string), outcome, note);
      // Written once: a killed drain never wrote a message twice.
      expect(outcome.written.length - new Set(outcome.written).size, `duplicate lines ${note}`).toBe(0);
      // In both places only what was on disk but not yet completed when the kill came: at most what drain holds.
      const inBoth = outcome.left.filter((id) => outcome.written.includes(id)).length;
      expect(inBoth, `in the file and still in the queue ${note}`).toBeLessThanOrEqual(MAX_UNSETTLED);
    });
  }
});
