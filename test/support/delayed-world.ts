import { afterAll, beforeAll } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../../src/testing/delay-proxy.js';
import { QueueWorld } from '../integration/queue/support.js';

/**
 * A QueueWorld whose emulator is also reachable `2 × delayMs` away, through src/testing/delay-proxy.ts; started in
 * beforeAll and closed in afterAll of the calling test file. `connectionString()` goes through the proxy.
 */
export function useDelayedWorld(lockDurationMs: number, delayMs = 10): { world: QueueWorld; connectionString: () => string } {
  const world = new QueueWorld();
  let proxy: DelayProxy | undefined;
  beforeAll(async () => {
    await world.start({ lockDurationMs });
    proxy = await startDelayProxy({ host: world.emulator.host, port: world.emulator.port }, delayMs);
  });
  afterAll(async () => {
    await proxy?.close();
    await world.cleanUp();
  });
  return { world, connectionString: () => proxy!.rewrite(world.connectionString) };
}
