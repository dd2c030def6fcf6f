import { createQueuePort, resolveQueueConnection, type EntityRef, type LockedReceiver, type QueuePort } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';

/** Runs `fn` over the items with at most `limit` in flight; settles all before rejecting with the first error. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** Like mapLimit, but collects failures instead of throwing. */
export async function settleLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<unknown[]> {
  const errors: unknown[] = [];
  await mapLimit(items, limit, async (item) => {
    try {
      await fn(item);
    } catch (error) {
      errors.push(error);
    }
  });
  return errors;
}

/** The port a run uses: the caller's (tests, smoke, demo) or one made from the settings. */
export async function portFor(ctx: Context, given?: QueuePort): Promise<{ port: QueuePort; owned: boolean }> {
  if (given) return { port: given, owned: false };
  return { port: await createQueuePort(resolveQueueConnection(ctx.config)), owned: true };
}

/**
 * Opens `count` peek-lock links on the entity (a pipelined command receives on them in turn, see receive-ahead.ts);
 * if one fails, those already open are closed.
 */
export async function openReceivers(port: QueuePort, entity: EntityRef, count: number): Promise<LockedReceiver[]> {
  const receivers: LockedReceiver[] = [];
  try {
    for (let i = 0; i < count; i += 1) receivers.push(await port.openReceiver(entity));
    return receivers;
  } catch (error) {
    await closeReceivers(receivers);
    throw error;
  }
}

export async function closeReceivers(receivers: readonly LockedReceiver[]): Promise<void> {
  await Promise.all(receivers.map((r) => r.close()));
}

/** A compact UTC timestamp for file names: 20261122T190000Z. */
export function fileTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** "1 message" / "3 messages". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}

/** Messages per second, rounded for people. */
export function rate(count: number, ms: number): string {
  if (ms <= 0 || count === 0) return '0/s';
  return `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s`;
}
