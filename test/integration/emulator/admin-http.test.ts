import { ServiceBusAdministrationClient, type ServiceBusAdministrationClientOptions } from '@azure/service-bus';
import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../../src/emulator/index.js';
import { client, emulator, setup } from './support.js';

/**
 * The real administration client, pointed at the emulator's management port over plain HTTP (SDK 7.9 always
 * builds https://<Endpoint host>/…; a pipeline policy rewrites scheme and port, as switchyard's adapter does).
 */
function adminClient(em: EmulatorHandle, connectionString = em.connectionString, options: ServiceBusAdministrationClientOptions = {}) {
  const admin = new ServiceBusAdministrationClient(connectionString, { retryOptions: { maxRetries: 0 }, ...options });
  admin.pipeline.addPolicy({
    name: 'to-emulator',
    sendRequest: (request, next) => {
      const url = new URL(request.url);
      url.protocol = 'http:';
      url.port = String(em.managementPort);
      request.url = url.toString();
      request.allowInsecureConnection = true;
      return next(request);
    },
  });
  return admin;
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const CONFIG = {
  queues: [{ name: 'orders', maxDeliveryCount: 3, lockDuration: '45s' }, { name: 'quiet' }],
  topics: [{ name: 'events', subscriptions: [{ name: 'billing' }, { name: 'audit', maxDeliveryCount: 7 }] }],
};

describe('HTTP management API through ServiceBusAdministrationClient', () => {
  it('gets queue properties and runtime counts: active, dead-letter, scheduled, size', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    const sender = sb.createSender('orders');
    await sender.sendMessages([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    await sender.scheduleMessages({ body: 'later' }, new Date(Date.now() + 60_000));
    const receiver = sb.createReceiver('orders');
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.deadLetterMessage(first!, { deadLetterReason: 'bad', deadLetterErrorDescription: 'bad' });
    const admin = adminClient(em);

    const queue = await admin.getQueue('orders');
    expect(queue).toMatchObject({ name: 'orders', maxDeliveryCount: 3, lockDuration: 'PT45S', requiresSession: false, status: 'Active' });
    const runtime = await admin.getQueueRuntimeProperties('orders');
    expect(runtime).toMatchObject({ name: 'orders', activeMessageCount: 2, deadLetterMessageCount: 1, scheduledMessageCount: 1, transferDeadLetterMessageCount: 0, totalMessageCount: 4 });
    expect(runtime.sizeInBytes).toBeGreaterThan(0);
    expect(runtime.createdAt).toBeInstanceOf(Date);
  });

  it('lists queues, topics and subscriptions with their properties and counts', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    await sb.createSender('events').sendMessages([{ body: 1 }, { body: 2 }]);
    const admin = adminClient(em);
    expect((await all(admin.listQueues())).map((q) => q.name).sort()).toEqual(['orders', 'quiet']);
    expect((await all(admin.listTopics())).map((t) => t.name)).toEqual(['events']);
    const topics = await all(admin.listTopicsRuntimeProperties());
    expect(topics[0]).toMatchObject({ name: 'events', subscriptionCount: 2 });
    const subs = await all(admin.listSubscriptions('events'));
    expect(subs.map((s) => [s.subscriptionName, s.topicName, s.maxDeliveryCount])).toEqual([['billing', 'events', 10], ['audit', 'events', 7]]);
    const counts = await all(admin.listSubscriptionsRuntimeProperties('events'));
    expect(counts.map((s) => [s.subscriptionName, s.activeMessageCount, s.deadLetterMessageCount])).toEqual([['billing', 2, 0], ['audit', 2, 0]]);
  });

  it('pages long lists with a next link, as Service Bus does', async () => {
    const queues = Array.from({ length: 130 }, (_, i) => ({ name: `q-${String(i).padStart(3, '0')}` }));
    const em = await emulator({ config: { queues } });
    const admin = adminClient(em);
    const names = (await all(admin.listQueues())).map((q) => q.name);
    expect(names).toHaveLength(130);
    const pages = await all(admin.listQueues().byPage({ maxPageSize: 50 }));
    expect(pages.map((p) => p.length)).toEqual([50, 50, 30]);
  });

  it('creates and deletes queues, topics and subscriptions; a duplicate is MessageEntityAlreadyExistsError', async () => {
    const em = await emulator({ config: CONFIG });
    const admin = adminClient(em);
    const made = await admin.createQueue('made', { lockDuration: 'PT10S', maxDeliveryCount: 4 });
    expect(made).toMatchObject({ name: 'made', lockDuration: 'PT10S', maxDeliveryCount: 4 });
    await expect(admin.createQueue('made')).rejects.toMatchObject({ code: 'MessageEntityAlreadyExistsError', statusCode: 409 });
    await admin.createTopic('alerts');
    await admin.createSubscription('alerts', 'pager', { maxDeliveryCount: 2 });
    expect(await admin.subscriptionExists('alerts', 'pager')).toBe(true);

    // What was created works over AMQP at once (the emulator has a config, so nothing else would be accepted).
    const sb = client(em);
    await sb.createSender('alerts').sendMessages({ body: 'fire' });
    expect(em.entityCounts('alerts/Subscriptions/pager')?.active).toBe(1);

    await admin.deleteSubscription('alerts', 'pager');
    expect(await admin.subscriptionExists('alerts', 'pager')).toBe(false);
    await admin.deleteQueue('made');
    await expect(admin.getQueue('made')).rejects.toMatchObject({ code: 'MessageEntityNotFoundError' });
    await expect(admin.deleteQueue('made')).rejects.toMatchObject({ code: 'MessageEntityNotFoundError', statusCode: 404 });
    await admin.deleteTopic('alerts');
    expect(await admin.topicExists('alerts')).toBe(false);
    await expect(admin.createSubscription('nowhere', 'x')).rejects.toMatchObject({ statusCode: 404 });
    // Until the emulator has sessions, a session entity is refused rather than made session-less.
    const session = await admin.createQueue('ordered', { requiresSession: true }).then((q) => q.requiresSession, (e: { statusCode: number }) => e.statusCode);
    expect([true, 400]).toContain(session);
  });

  it('answers existence questions without creating anything, even without a config', async () => {
    const em = await emulator();
    const admin = adminClient(em);
    expect(await admin.queueExists('switchyard-smoke')).toBe(false);
    expect(await admin.subscriptionExists('events', 'billing')).toBe(false);
    expect(await admin.topicExists('events')).toBe(false);
    expect(em.entityCounts('switchyard-smoke')).toBeUndefined();
    expect(await all(admin.listQueues())).toEqual([]);
    expect((await admin.getNamespaceProperties()).messagingSku).toBe('Standard');
    expect((await fetch(`http://127.0.0.1:${em.managementPort}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${em.managementPort}/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`http://127.0.0.1:${em.managementPort}/a/b`)).status).toBe(400);
    const big = await fetch(`http://127.0.0.1:${em.managementPort}/big`, { method: 'PUT', body: 'x'.repeat(300 * 1024) });
    expect(big.status).toBe(413);
    expect(em.entityCounts('big')).toBeUndefined();
    await admin.createQueue('health');
    expect((await admin.getQueue('health')).name).toBe('health');
  });

  it('checks the SAS signature when the emulator has a key: a wrong key is UnauthorizedRequestError', async () => {
    const em = await emulator({ sharedAccessKey: { name: 'admin', key: 'right-key' }, config: CONFIG });
    expect((await adminClient(em).getQueue('orders')).name).toBe('orders');
    const wrong = em.connectionString.replace('SharedAccessKey=right-key', 'SharedAccessKey=wrong-key');
    await expect(adminClient(em, wrong).getQueue('orders')).rejects.toMatchObject({ code: 'UnauthorizedRequestError', statusCode: 401 });
  });
});
