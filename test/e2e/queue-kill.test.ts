import { afterAll, beforeAll, describe, it } from 'vitest';
import { drainAndKill, expectNoneLost, type KillWhen } from '../support/drain-kill.js';
import { QueueWorld, numbered, send } from '../integration/queue/support.js';

/*
 * The drain guarantee under the worst interruption there is: SIGKILL, no clean-up at all. Whenever it lands,
 * every message must be in the file or back in the queue once its lock expires (a message may be in both).
 * queue-kill-network.test.ts does the same across a 20 ms round trip, where more is in flight at once.
 */

const COUNT = 2_000;
const LOCK_MS = 700;
const world = new QueueWorld();
beforeAll(() => world.start({ lockDurationMs: LOCK_MS }));
afterAll(() => world.cleanUp());

/**
 * Delays after the first write land anywhere inside a batch's receive → write → fsync → complete cycle, not just
 * after a write.
 */
const after = (ms: number): KillWhen => (b, _t, since) => (b ?? 0) > 0 && since >= ms;
const moments: { name: string; when: KillWhen }[] = [
  { name: 'while starting, before the output file exists', when: () => true },
  { name: 'right after the output file is created, before the first batch is written', when: (b) => b !== undefined },
  { name: 'as soon as the first batch is on disk', when: (b) => (b ?? 0) > 0 },
  { name: '7 ms after the first batch', when: after(7) },
  { name: '33 ms after the first batch', when: after(33) },
  { name: '90 ms after the first batch', when: after(90) },
  { name: 'two thirds of the way through', when: (b, total) => (b ?? 0) >= (2 * total) / 3 },
  { name: 'with the last batches in flight', when: (b, total) => (b ?? 0) >= total * 0.95 },
];

describe('queue drain killed with SIGKILL', () => {
  for (const [index, moment] of moments.entries()) {
    it(`loses nothing when killed ${moment.name}`, async () => {
      const queue = world.name(`kill${index}`);
      const ids = numbered(COUNT, 'k').map((m) => m.messageId as string);
      await send(world.client(), queue, numbered(COUNT, 'k'));
      const outcome = await drainAndKill(world, { queue, count: COUNT, connectionString: world.connectionString, lockMs: LOCK_MS, when: moment.when });
      expectNoneLost(ids, outcome);
    });
  }
});
