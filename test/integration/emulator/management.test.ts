import Long from 'long';
import { describe, expect, it } from 'vitest';
import { eventually, range, setup } from './support.js';

describe('startEmulator: $management peek and scheduling', () => {
  it('peeks from a sequence number, including locked, deferred and scheduled messages, without locking them', async () => {
    const { em, sb } = await setup();
    const sender = sb.createSender('peeked');
    await sender.sendMessages(range(4).map((i) => ({ body: `m${i}` })));
    const scheduledAt = new Date(Date.now() + 60_000);
    const [scheduledSeq] = await sender.scheduleMessages({ body: 'later' }, scheduledAt);
    const receiver = sb.createReceiver('peeked', { maxAutoLockRenewalDurationInMs: 0 });
    const [locked, toDefer] = await receiver.receiveMessages(2, { maxWaitTimeInMs: 1000 });
    await receiver.deferMessage(toDefer!);

    const all = await receiver.peekMessages(10, { fromSequenceNumber: Long.fromNumber(1) });
    expect(all.map((m) => m.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'later']);
    expect(all.map((m) => m.state)).toEqual(['active', 'deferred', 'active', 'active', 'scheduled']);
    expect(all[0]!.lockedUntilUtc?.getTime()).toBe(locked!.lockedUntilUtc!.getTime());
    expect(all[4]!.sequenceNumber?.toNumber()).toBe(scheduledSeq!.toNumber());
    expect(all[4]!.scheduledEnqueueTimeUtc?.getTime()).toBe(scheduledAt.getTime());

    const fromThree = await receiver.peekMessages(2, { fromSequenceNumber: Long.fromNumber(3) });
    expect(fromThree.map((m) => m.sequenceNumber?.toNumber())).toEqual([3, 4]);
    expect(em.entityCounts('peeked')).toMatchObject({ locked: 1, deferred: 1, scheduled: 1, total: 5 });
  });

  it('continues a peek where the last one stopped, and returns nothing (status 204) past the end', async () => {
    const { sb } = await setup();
    await sb.createSender('pages').sendMessages(range(5).map((i) => ({ body: i })));
    const receiver = sb.createReceiver('pages');
    expect((await receiver.peekMessages(3)).map((m) => m.body)).toEqual([0, 1, 2]);
    expect((await receiver.peekMessages(3)).map((m) => m.body)).toEqual([3, 4]);
    expect(await receiver.peekMessages(3)).toEqual([]);
    expect(await sb.createReceiver('empty-queue').peekMessages(5)).toEqual([]);
  });

  it('delivers a scheduled message at its time, and a cancelled one never', async () => {
    const { em, sb } = await setup();
    const sender = sb.createSender('timed');
    const soon = new Date(Date.now() + 1500);
    const [keep] = await sender.scheduleMessages({ body: 'keep' }, soon);
    const [cancel] = await sender.scheduleMessages({ body: 'cancel' }, soon);
    await sender.cancelScheduledMessages(cancel!);
    expect(em.entityCounts('timed')).toMatchObject({ scheduled: 1, active: 0 });
    await eventually(() => em.entityCounts('timed')?.active === 1);
    const receiver = sb.createReceiver('timed', { receiveMode: 'receiveAndDelete' });
    const [m] = await receiver.receiveMessages(5, { maxWaitTimeInMs: 300 });
    expect(m?.body).toBe('keep');
    expect(m?.sequenceNumber?.toNumber()).toBe(keep!.toNumber());
    expect(m!.enqueuedTimeUtc!.getTime()).toBeGreaterThanOrEqual(soon.getTime());
    expect(em.entityCounts('timed')?.total).toBe(0);
  });

  it('schedules through a plain send with scheduledEnqueueTimeUtc', async () => {
    const { em, sb } = await setup();
    await sb.createSender('timed2').sendMessages({ body: 'x', scheduledEnqueueTimeUtc: new Date(Date.now() + 60_000) });
    expect(em.entityCounts('timed2')).toMatchObject({ scheduled: 1, active: 0 });
  });
});
