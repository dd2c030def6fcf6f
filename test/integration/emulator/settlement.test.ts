import { isServiceBusError } from '@azure/service-bus';
import { describe, expect, it } from 'vitest';
import { client, eventually, range, receiveAll, setup } from './support.js';

/** Lock renewal is the SDK's default; tests about lock expiry turn it off. */
const noRenewal = { maxAutoLockRenewalDurationInMs: 0 };

describe('startEmulator: settling peek-locked messages', () => {
  it('completes, abandons (with properties to modify) and redelivers with a higher delivery count', async () => {
    const { em, sb } = await setup();
    await sb.createSender('q').sendMessages([{ body: 'a' }, { body: 'b' }]);
    const receiver = sb.createReceiver('q');
    const [a, b] = await receiver.receiveMessages(2, { maxWaitTimeInMs: 1000 });
    await receiver.completeMessage(a!);
    await receiver.abandonMessage(b!, { attempt: 'one', retried: true });
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(again?.body).toBe('b');
    expect(again?.deliveryCount).toBe(1);
    expect(again?.applicationProperties).toEqual({ attempt: 'one', retried: true });
    await receiver.completeMessage(again!);
    expect(em.entityCounts('q')?.total).toBe(0);
  });

  it('dead-letters with reason and description into <queue>/$DeadLetterQueue', async () => {
    const { em, sb } = await setup();
    await sb.createSender('orders').sendMessages({ body: { id: 7 }, applicationProperties: { tenant: 'eu' } });
    const receiver = sb.createReceiver('orders');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    await receiver.deadLetterMessage(m!, { deadLetterReason: 'BadOrder', deadLetterErrorDescription: 'missing customer' });
    expect(em.entityCounts('orders')).toMatchObject({ total: 0, deadLetter: 1 });

    const dlq = sb.createReceiver('orders', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(dead?.body).toEqual({ id: 7 });
    expect(dead?.deadLetterReason).toBe('BadOrder');
    expect(dead?.deadLetterErrorDescription).toBe('missing customer');
    expect(dead?.applicationProperties?.tenant).toBe('eu');
    expect(dead?.sequenceNumber?.toNumber()).toBe(m!.sequenceNumber!.toNumber());
    await dlq.completeMessage(dead!);
    expect(em.entityCounts('orders')?.deadLetter).toBe(0);
  });

  it('defers a message, which only receiveDeferredMessages returns, then completes it', async () => {
    const { em, sb } = await setup();
    await sb.createSender('later').sendMessages([{ body: 'deferred' }, { body: 'next' }]);
    const receiver = sb.createReceiver('later');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    await receiver.deferMessage(m!);
    const [next] = await receiver.receiveMessages(5, { maxWaitTimeInMs: 300 });
    expect(next?.body).toBe('next');
    await receiver.completeMessage(next!);
    expect(em.entityCounts('later')).toMatchObject({ deferred: 1, total: 1 });

    const [d] = await receiver.receiveDeferredMessages(m!.sequenceNumber!);
    expect(d?.body).toBe('deferred');
    expect(d?.state).toBe('deferred');
    await receiver.completeMessage(d!);
    expect(em.entityCounts('later')?.total).toBe(0);
    await expect(receiver.receiveDeferredMessages(m!.sequenceNumber!)).rejects.toMatchObject({ code: 'MessageNotFound' });
  });

  it('renews a lock, returning the new expiry', async () => {
    const { sb } = await setup({ lockDurationMs: 2000 });
    await sb.createSender('renew').sendMessages({ body: 1 });
    const receiver = sb.createReceiver('renew', noRenewal);
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    const before = m!.lockedUntilUtc!.getTime();
    await new Promise((r) => setTimeout(r, 50));
    const after = await receiver.renewMessageLock(m!);
    expect(after.getTime()).toBeGreaterThan(before);
    await receiver.completeMessage(m!);
  });

  it('expires a short lock: the message comes back with its delivery count raised, and the late settle fails with lock lost', async () => {
    const { em, sb } = await setup({ lockDurationMs: 500 });
    await sb.createSender('short').sendMessages({ body: 'slow' });
    const receiver = sb.createReceiver('short', noRenewal);
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(m?.deliveryCount).toBe(0);
    await eventually(() => em.entityCounts('short')?.locked === 0);
    await expect(receiver.completeMessage(m!)).rejects.toSatisfy(
      (e: unknown) => isServiceBusError(e) && e.code === 'MessageLockLost',
    );
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(again?.body).toBe('slow');
    expect(again?.deliveryCount).toBe(1);
    await receiver.completeMessage(again!);
  });

  it('dead-letters a message past the max delivery count with reason MaxDeliveryCountExceeded', async () => {
    const { em, sb } = await setup({ maxDeliveryCount: 2 });
    await sb.createSender('poison').sendMessages({ body: 'poison' });
    const receiver = sb.createReceiver('poison');
    for (const attempt of [0, 1]) {
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
      expect(m?.deliveryCount).toBe(attempt);
      await receiver.abandonMessage(m!);
    }
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
    const [dead] = await sb.createReceiver('poison', { subQueueType: 'deadLetter' }).receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(dead?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dead?.deliveryCount).toBe(2);
    expect(em.entityCounts('poison')).toMatchObject({ total: 0, deadLetter: 1 });
  });

  it('gives the locks of a closed receiver back at once', async () => {
    const { em, sb } = await setup();
    await sb.createSender('held').sendMessages(range(3).map((i) => ({ body: i })));
    const first = sb.createReceiver('held', noRenewal);
    expect(await first.receiveMessages(3, { maxWaitTimeInMs: 1000 })).toHaveLength(3);
    expect(em.entityCounts('held')?.locked).toBe(3);
    await first.close();
    await eventually(() => em.entityCounts('held')?.locked === 0);

    const second = sb.createReceiver('held', noRenewal);
    const again = await second.receiveMessages(3, { maxWaitTimeInMs: 1000 });
    expect(again.map((m) => m.body)).toEqual([0, 1, 2]);
    expect(again.map((m) => m.deliveryCount)).toEqual([1, 1, 1]);
    await Promise.all(again.map((m) => second.completeMessage(m)));
    expect(em.entityCounts('held')?.total).toBe(0);
  });

  it('gives the locks of a client whose connection closes back', async () => {
    const { em, sb } = await setup();
    await sb.createSender('dropped').sendMessages([{ body: 'x' }]);
    const other = client(em);
    expect(await other.createReceiver('dropped', noRenewal).receiveMessages(1, { maxWaitTimeInMs: 1000 })).toHaveLength(1);
    expect(em.entityCounts('dropped')?.locked).toBe(1);
    await other.close();
    await eventually(() => em.entityCounts('dropped')?.locked === 0);
    const [m] = await sb.createReceiver('dropped').receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(m).toMatchObject({ body: 'x', deliveryCount: 1 });
  });

  it('settles deferred messages through $management (update-disposition): abandon keeps them deferred, dead-letter moves them', async () => {
    const { em, sb } = await setup();
    await sb.createSender('mgmt').sendMessages({ body: 'd' });
    const receiver = sb.createReceiver('mgmt');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    await receiver.deferMessage(m!);
    const [d1] = await receiver.receiveDeferredMessages(m!.sequenceNumber!);
    await receiver.abandonMessage(d1!);
    expect(em.entityCounts('mgmt')).toMatchObject({ deferred: 1, locked: 0 });
    const [d2] = await receiver.receiveDeferredMessages(m!.sequenceNumber!);
    expect(d2?.deliveryCount).toBe(2);
    await receiver.deadLetterMessage(d2!, { deadLetterReason: 'gave up', deadLetterErrorDescription: 'after deferral' });
    expect(em.entityCounts('mgmt')).toMatchObject({ total: 0, deadLetter: 1 });
    const [dead] = await sb.createReceiver('mgmt', { subQueueType: 'deadLetter' }).peekMessages(1);
    expect(dead).toMatchObject({ body: 'd', deadLetterReason: 'gave up', deadLetterErrorDescription: 'after deferral' });
  });

  it('receives in receive-and-delete mode without locks', async () => {
    const { em, sb } = await setup();
    await sb.createSender('rad').sendMessages(range(5).map((i) => ({ body: i })));
    const got = await receiveAll(sb.createReceiver('rad', { receiveMode: 'receiveAndDelete' }));
    expect(got.map((m) => m.body)).toEqual(range(5));
    expect(em.entityCounts('rad')?.total).toBe(0);
  });
});
