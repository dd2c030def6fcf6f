import { describe, expect, it } from 'vitest';
import { client, range, receiveAll, setup } from './support.js';

describe('startEmulator: sending and receiving through @azure/service-bus', () => {
  it('prints a development-emulator connection string for its loopback port', async () => {
    const { em } = await setup();
    expect(em.host).toBe('127.0.0.1');
    expect(em.port).toBeGreaterThan(0);
    expect(em.connectionString).toBe(
      `Endpoint=sb://127.0.0.1:${em.port};SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true`,
    );
  });

  it('delivers single and batched messages in order, with sequence numbers, enqueue time and a message id', async () => {
    const { em, sb } = await setup();
    const sender = sb.createSender('orders');
    await sender.sendMessages({ body: 'first', messageId: 'm-1' });
    await sender.sendMessages([{ body: 'second' }, { body: 'third' }]);
    const batch = await sender.createMessageBatch();
    expect(batch.tryAddMessage({ body: 'fourth' })).toBe(true);
    await sender.sendMessages(batch);
    expect(em.entityCounts('orders')).toMatchObject({ active: 4, total: 4 });

    const receiver = sb.createReceiver('ORDERS');
    const got = await receiveAll(receiver);
    expect(got.map((m) => m.body)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(got.map((m) => Number(m.sequenceNumber))).toEqual([1, 2, 3, 4]);
    expect(got[0]!.messageId).toBe('m-1');
    // Service Bus gives every message an id; the SDK's lock renewer depends on it.
    expect(typeof got[1]!.messageId).toBe('string');
    expect(got[0]!.deliveryCount).toBe(0);
    expect(got[0]!.enqueuedTimeUtc).toBeInstanceOf(Date);
    expect(got[0]!.lockToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(em.entityCounts('orders')).toMatchObject({ active: 0, total: 0 });
  });

  it('round-trips bodies and application properties of every type exactly', async () => {
    const { sb } = await setup();
    const sender = sb.createSender('fidelity');
    const when = new Date('2026-01-02T03:04:05.678Z');
    const bodies: unknown[] = [{ order: 42, lines: [{ sku: 'a' }], ok: true }, 'plain text', 12.5, [1, 'two', null], Buffer.from([0, 1, 254, 255])];
    await sender.sendMessages(
      bodies.map((body, i) => ({
        body,
        messageId: `id-${i}`,
        correlationId: 'corr-1',
        subject: 'order.created',
        contentType: 'application/json',
        timeToLive: 3_600_000,
        applicationProperties: { s: 'eu', n: 7, f: 1.5, neg: -3, big: 2 ** 40, b: false, d: when, nil: null },
      })),
    );
    const receiver = sb.createReceiver('fidelity', { receiveMode: 'receiveAndDelete', skipConvertingDate: true });
    const got = await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 });
    expect(got.map((m) => m.body)).toEqual(bodies);
    for (const [i, m] of got.entries()) {
      expect(m.messageId).toBe(`id-${i}`);
      expect(m.correlationId).toBe('corr-1');
      expect(m.subject).toBe('order.created');
      expect(m.contentType).toBe('application/json');
      expect(m.timeToLive).toBe(3_600_000);
      expect(m.applicationProperties).toEqual({ s: 'eu', n: 7, f: 1.5, neg: -3, big: 2 ** 40, b: false, d: when, nil: null });
    }
  });

  it('keeps the session id and reply-to fields a sender set', async () => {
    const { sb } = await setup();
    await sb.createSender('fields').sendMessages({ body: 'x', sessionId: 's-1', replyTo: 'answers', to: 'someone', replyToSessionId: 'r-1' });
    const [m] = await sb.createReceiver('fields', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(m).toMatchObject({ sessionId: 's-1', replyTo: 'answers', to: 'someone', replyToSessionId: 'r-1' });
  });

  it('gives more than 2,048 messages over one receiver link (settled deliveries are freed)', async () => {
    const { em, sb } = await setup();
    const sender = sb.createSender('many');
    for (const chunk of range(25)) await sender.sendMessages(range(100).map((i) => ({ body: chunk * 100 + i })));
    const receiver = sb.createReceiver('many');
    const got = await receiveAll(receiver, { batch: 250, expect: 2500 });
    expect(got).toHaveLength(2500);
    expect(new Set(got.map((m) => m.body)).size).toBe(2500);
    expect(em.entityCounts('many')?.total).toBe(0);
  });

  it('sends and receives 10,000 messages (receive-and-delete), none lost or doubled', async () => {
    const { em, sb } = await setup();
    const sender = sb.createSender('bulk');
    for (const chunk of range(100)) await sender.sendMessages(range(100).map((i) => ({ body: { n: chunk * 100 + i } })));
    expect(em.entityCounts('bulk')?.active).toBe(10_000);
    const receiver = sb.createReceiver('bulk', { receiveMode: 'receiveAndDelete' });
    const got = await receiveAll(receiver, { batch: 500, expect: 10_000 });
    const numbers = got.map((m) => (m.body as { n: number }).n).sort((a, b) => a - b);
    expect(numbers).toEqual(range(10_000));
    expect(em.entityCounts('bulk')?.total).toBe(0);
  });

  it('hands a streaming subscriber (subscribe) every message and completes them automatically', async () => {
    const { em, sb } = await setup();
    await sb.createSender('stream').sendMessages(range(50).map((i) => ({ body: i })));
    const receiver = sb.createReceiver('stream');
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = receiver.subscribe(
        {
          processMessage: async (m) => {
            seen.push(m.body as number);
            if (seen.length === 50) resolve();
          },
          processError: async (args) => reject(args.error),
        },
        { maxConcurrentCalls: 5 },
      );
      void sub;
    });
    await receiver.close();
    expect(seen.sort((a, b) => a - b)).toEqual(range(50));
    expect(em.entityCounts('stream')?.total).toBe(0);
  });

  it('shuts down with clients still connected, and those clients can still close', async () => {
    const { em, sb } = await setup();
    const receiver = sb.createReceiver('closing');
    await sb.createSender('closing').sendMessages({ body: 1 });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 })).toHaveLength(1);
    await em.close();
    await sb.close();
  });

  it('lets two clients on two connections share a queue', async () => {
    const { em, sb } = await setup();
    const other = client(em);
    await sb.createSender('shared').sendMessages({ body: 'hello' });
    const [m] = await other.createReceiver('shared', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(m?.body).toBe('hello');
  });
});
