import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGINAL_MESSAGE_ID, RESUBMIT_COUNT, runResubmit } from '../../../src/commands/queue/run-resubmit.js';
import { QueueWorld, deadLetter, peekAll, takeAll } from './support.js';

// A queue with duplicate detection, as many production queues have: the broker silently drops a message whose
// messageId it accepted within its window.
const world = new QueueWorld();
beforeAll(() =>
  world.start({ config: { queues: [{ name: 'dedup', requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: '10m' }, { name: 'dedup-2', requiresDuplicateDetection: true }] } }),
);
afterAll(() => world.cleanUp());

describe('runResubmit to a queue with duplicate detection', () => {
  it('keeps the messageId by default, so the broker drops the copy as a duplicate (why --new-message-id exists)', async () => {
    const client = world.client();
    await deadLetter(client, 'dedup-2', [{ body: { n: 1 }, messageId: 'order-1' }], 'MaxDeliveryCountExceeded', 'gave up');
    const { ctx } = world.context();
    await runResubmit(ctx, { entity: { name: 'dedup-2', dlq: true }, yes: true, idleTimeoutMs: 300 });
    expect(await takeAll(client, 'dedup-2')).toHaveLength(0);
  });

  it('with newMessageId sends copies under fresh ids, keeping the original id in a property, and they arrive', async () => {
    const client = world.client();
    await deadLetter(client, 'dedup', [{ body: { n: 1 }, messageId: 'order-1' }, { body: { n: 2 }, messageId: 'order-2' }], 'MaxDeliveryCountExceeded', 'gave up');
    const { ctx } = world.context();
    const result = await runResubmit(ctx, { entity: { name: 'dedup', dlq: true }, yes: true, idleTimeoutMs: 300, newMessageId: true });
    expect(result).toMatchObject({ resubmitted: 2, skipped: 0 });
    const copies = await takeAll(client, 'dedup');
    expect(copies.map((m) => m.applicationProperties?.[ORIGINAL_MESSAGE_ID]).sort()).toEqual(['order-1', 'order-2']);
    for (const copy of copies) {
      expect(copy.messageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(copy.applicationProperties?.[RESUBMIT_COUNT]).toBe(1);
    }
    expect(copies.map((m) => (m.body as { n: number }).n).sort()).toEqual([1, 2]);
    expect(await peekAll(client, 'dedup', { dlq: true })).toHaveLength(0);
  });
});
