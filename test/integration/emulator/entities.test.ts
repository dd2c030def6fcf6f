import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isServiceBusError } from '@azure/service-bus';
import { afterAll, describe, expect, it } from 'vitest';
import { EmulatorConfigError, startEmulator, type EmulatorConfig } from '../../../src/emulator/index.js';
import { eventually, range, receiveAll, setup } from './support.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CONFIG: EmulatorConfig = {
  queues: [
    { name: 'Orders', maxDeliveryCount: 3 },
    { name: 'expiring', defaultMessageTimeToLive: '300ms', deadLetteringOnMessageExpiration: true },
    { name: 'vanishing', defaultMessageTimeToLive: 'PT0.3S' },
    { name: 'dedup', requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: '1m' },
  ],
  topics: [
    {
      name: 'events',
      subscriptions: [
        { name: 'all' },
        { name: 'eu-orders', filter: { subject: 'order.created', applicationProperties: { region: 'eu' } } },
        { name: 'by-correlation', rules: [{ name: 'c', filter: { correlationId: 'abc' } }] },
      ],
    },
  ],
};

const isNotFound = (e: unknown): boolean => isServiceBusError(e) && e.code === 'MessagingEntityNotFound';

describe('startEmulator: entities declared in a config', () => {
  it('refuses senders and receivers of undeclared entities with MessagingEntityNotFound', async () => {
    const { sb } = await setup({ config: CONFIG });
    await expect(sb.createSender('nope').sendMessages({ body: 1 })).rejects.toSatisfy(isNotFound);
    await expect(sb.createReceiver('nope').receiveMessages(1, { maxWaitTimeInMs: 500 })).rejects.toSatisfy(isNotFound);
    await expect(sb.createReceiver('nope').peekMessages(1)).rejects.toSatisfy(isNotFound);
    await expect(sb.createReceiver('events', 'missing').receiveMessages(1, { maxWaitTimeInMs: 500 })).rejects.toSatisfy(isNotFound);
  });

  it('matches entity names case-insensitively', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    await sb.createSender('ORDERS').sendMessages({ body: 'x' });
    expect(em.entityCounts('orders')?.active).toBe(1);
    const [m] = await sb.createReceiver('oRdErS', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(m?.body).toBe('x');
  });

  it('uses the max delivery count the queue declares', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    await sb.createSender('Orders').sendMessages({ body: 'p' });
    const receiver = sb.createReceiver('Orders');
    for (const _ of range(3)) {
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
      await receiver.abandonMessage(m!);
    }
    expect(em.entityCounts('Orders')).toMatchObject({ total: 0, deadLetter: 1 });
  });

  it('copies a topic message to every subscription whose correlation filter matches, each with its own dead-letter queue', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    const sender = sb.createSender('events');
    await sender.sendMessages([
      { body: 1, subject: 'order.created', applicationProperties: { region: 'eu' } },
      { body: 2, subject: 'order.created', applicationProperties: { region: 'us' } },
      { body: 3, subject: 'order.paid', applicationProperties: { region: 'eu' }, correlationId: 'abc' },
    ]);
    const bodies = async (sub: string) =>
      (await receiveAll(sb.createReceiver('events', sub), { complete: sub !== 'eu-orders' })).map((m) => m.body);
    expect(await bodies('all')).toEqual([1, 2, 3]);
    expect(await bodies('by-correlation')).toEqual([3]);

    const eu = sb.createReceiver('events', 'eu-orders');
    const [m] = await eu.receiveMessages(5, { maxWaitTimeInMs: 300 });
    expect(m?.body).toBe(1);
    expect(m?.sequenceNumber?.toNumber()).toBe(1);
    await eu.deadLetterMessage(m!, { deadLetterReason: 'region closed', deadLetterErrorDescription: 'no EU warehouse' });
    expect(em.entityCounts('events/Subscriptions/eu-orders')).toMatchObject({ total: 0, deadLetter: 1 });
    expect(em.entityCounts('events/subscriptions/all')).toMatchObject({ total: 0, deadLetter: 0 });
    const [dead] = await sb.createReceiver('events', 'eu-orders', { subQueueType: 'deadLetter' }).receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(dead).toMatchObject({ body: 1, deadLetterReason: 'region closed' });
  });

  it('schedules to a topic (a scheduled copy per matching subscription) and cancels all copies', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    const sender = sb.createSender('events');
    const later = new Date(Date.now() + 60_000);
    const [seq] = await sender.scheduleMessages({ body: 'later', correlationId: 'abc' }, later);
    expect(em.entityCounts('events/Subscriptions/all')).toMatchObject({ scheduled: 1 });
    expect(em.entityCounts('events/Subscriptions/by-correlation')).toMatchObject({ scheduled: 1 });
    expect(em.entityCounts('events/Subscriptions/eu-orders')).toMatchObject({ scheduled: 0 });
    const [peeked] = await sb.createReceiver('events', 'all').peekMessages(1);
    expect(peeked?.sequenceNumber?.toNumber()).toBe(seq!.toNumber());
    await sender.cancelScheduledMessages(seq!);
    expect(em.entityCounts('events/Subscriptions/all')?.total).toBe(0);
    expect(em.entityCounts('events/Subscriptions/by-correlation')?.total).toBe(0);
  });

  it('refuses to receive from a topic itself', async () => {
    const { sb } = await setup({ config: CONFIG });
    await expect(sb.createReceiver('events').receiveMessages(1, { maxWaitTimeInMs: 500 })).rejects.toThrow();
  });

  it('never delivers a message whose time to live passed, dead-lettering it when the queue says so', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    await sb.createSender('expiring').sendMessages({ body: 'stale' });
    await sb.createSender('vanishing').sendMessages({ body: 'gone' });
    await sb.createSender('vanishing').sendMessages({ body: 'fresh', timeToLive: 60_000 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await sb.createReceiver('expiring').receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
    expect(em.entityCounts('expiring')).toMatchObject({ total: 0, deadLetter: 1 });
    const [dead] = await sb.createReceiver('expiring', { subQueueType: 'deadLetter' }).receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(dead).toMatchObject({ body: 'stale', deadLetterReason: 'TTLExpiredException' });

    const got = await receiveAll(sb.createReceiver('vanishing'));
    // A message's own TTL is capped by the queue's default, so "fresh" expired too.
    expect(got).toEqual([]);
    expect(em.entityCounts('vanishing')).toMatchObject({ total: 0, deadLetter: 0 });
  });

  it('drops a message whose id was seen in the duplicate-detection window', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    const sender = sb.createSender('dedup');
    await sender.sendMessages({ body: 1, messageId: 'same' });
    await sender.sendMessages({ body: 2, messageId: 'same' });
    await sender.sendMessages([{ body: 3, messageId: 'other' }, { body: 4, messageId: 'same' }]);
    expect(em.entityCounts('dedup')?.total).toBe(2);
    expect((await receiveAll(sb.createReceiver('dedup'))).map((m) => m.body)).toEqual([1, 3]);
  });

  it("reads entities.json from a file, and Microsoft's emulator Config.json too", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-emu-config-'));
    dirs.push(dir);
    const official = join(dir, 'Config.json');
    writeFileSync(
      official,
      JSON.stringify({
        UserConfig: {
          Namespaces: [
            {
              Name: 'sbemulatorns',
              Queues: [{ Name: 'queue.1', Properties: { LockDuration: 'PT1M', MaxDeliveryCount: 3 } }],
              Topics: [
                {
                  Name: 'topic.1',
                  Subscriptions: [
                    {
                      Name: 'subscription.1',
                      Rules: [{ Name: 'r', Properties: { FilterType: 'Correlation', CorrelationFilter: { Label: 'x' } } }],
                    },
                  ],
                },
              ],
            },
          ],
        },
      }),
    );
    const { em, sb } = await setup({ config: official });
    await sb.createSender('queue.1').sendMessages({ body: 1 });
    await sb.createSender('topic.1').sendMessages([{ body: 2, subject: 'x' }, { body: 3, subject: 'y' }]);
    expect(em.entityCounts('queue.1')?.active).toBe(1);
    expect(em.entityCounts('topic.1/Subscriptions/subscription.1')?.active).toBe(1);
  });

  it('serves the example config shipped in fixtures/servicebus', async () => {
    const { em, sb } = await setup({ config: fileURLToPath(new URL('../../../fixtures/servicebus/emulator-entities.json', import.meta.url)) });
    await sb.createSender('order-events').sendMessages([
      { body: 1, subject: 'order.created', applicationProperties: { tenant: 'eu', express: false } },
      { body: 2, subject: 'order.created', applicationProperties: { tenant: 'us', express: true } },
    ]);
    expect(em.entityCounts('order-events/Subscriptions/audit')?.active).toBe(2);
    expect(em.entityCounts('order-events/Subscriptions/eu-fulfilment')?.active).toBe(1);
    expect(em.entityCounts('order-events/Subscriptions/express')?.active).toBe(1);
    expect(em.entityCounts('orders')).toBeDefined();
  });

  it('rejects an invalid config, naming the field', async () => {
    await expect(startEmulator({ port: 0, config: { queues: [{ name: 'q', lockDuration: 'soon' }] } })).rejects.toThrow(
      /queues\[0\]\.lockDuration/,
    );
    await expect(startEmulator({ port: 0, config: { queues: [{ name: 'a' }, { name: 'A' }] } })).rejects.toBeInstanceOf(
      EmulatorConfigError,
    );
    await expect(startEmulator({ port: 0, config: '/nonexistent/entities.json' })).rejects.toThrow(/cannot read/);
  });
});

describe('startEmulator: entities created on first use (no config)', () => {
  it('creates a topic when a receiver opens one of its subscriptions, then fans out to it', async () => {
    const { em, sb } = await setup();
    const a = sb.createReceiver('news', 'a', { receiveMode: 'receiveAndDelete' });
    const b = sb.createReceiver('news', 'b', { receiveMode: 'receiveAndDelete' });
    expect(await a.receiveMessages(1, { maxWaitTimeInMs: 50 })).toEqual([]);
    expect(await b.receiveMessages(1, { maxWaitTimeInMs: 50 })).toEqual([]);
    await sb.createSender('news').sendMessages({ body: 'extra' });
    await eventually(() => em.entityCounts('news/Subscriptions/b')?.active === 1);
    expect((await a.receiveMessages(1, { maxWaitTimeInMs: 1000 }))[0]?.body).toBe('extra');
    expect((await b.receiveMessages(1, { maxWaitTimeInMs: 1000 }))[0]?.body).toBe('extra');
  });
});
