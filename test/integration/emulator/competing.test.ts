import type { ServiceBusReceiver } from '@azure/service-bus';
import { describe, expect, it } from 'vitest';
import { client, range, setup } from './support.js';

/** Receives and completes until, between all workers, everything was taken. */
async function work(receiver: ServiceBusReceiver, mine: number[], taken: number[], total: number): Promise<void> {
  while (taken.length < total) {
    const batch = await receiver.receiveMessages(37, { maxWaitTimeInMs: 200 });
    for (const m of batch) {
      mine.push(m.body as number);
      taken.push(m.body as number);
    }
    await Promise.all(batch.map((m) => receiver.completeMessage(m)));
  }
}

describe('startEmulator: competing consumers', () => {
  it('never gives the same message to two receivers (1,000 messages, two connections)', async () => {
    const { em, sb } = await setup();
    const sender = sb.createSender('work');
    for (const chunk of range(10)) await sender.sendMessages(range(100).map((i) => ({ body: chunk * 100 + i })));
    const other = client(em);
    const taken: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    await Promise.all([
      work(sb.createReceiver('work'), a, taken, 1000),
      work(other.createReceiver('work'), b, taken, 1000),
    ]);
    expect(taken).toHaveLength(1000);
    expect(new Set(taken).size).toBe(1000);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.filter((n) => b.includes(n))).toEqual([]);
    expect(em.entityCounts('work')?.total).toBe(0);
  });
});
