import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueuePort, type QueuePort } from '../../../src/adapters/queue/index.js';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator/index.js';
import { QueueSink } from '../../../src/listener/queue-sink.js';
import { send, signedStripe } from './peer.js';
import { watchListener, type Watched } from './helpers.js';

const SECRET = 'whsec_forwardQueueTestSecret0123456789ab';
let emulator: EmulatorHandle;
let port: QueuePort;
let client: ServiceBusClient;
let w: Watched;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, config: { queues: [{ name: 'stripe-events' }] } });
  port = await createQueuePort({ connectionString: emulator.connectionString }, { timeoutMs: 10_000, maxRetries: 1 });
  client = new ServiceBusClient(emulator.connectionString, { retryOptions: { maxRetries: 1, timeoutInMs: 5_000 } });
  w = await watchListener({ secret: SECRET, sinks: [new QueueSink(port, 'stripe-events')] });
});
afterAll(async () => {
  await w?.listener.close(0);
  await port?.close();
  await client?.close();
  await emulator?.close();
});

describe('QueueSink in the listener (--forward-queue)', () => {
  it('enqueues one message per accepted event: the body as JSON, the event id as messageId, the type as subject', async () => {
    const first = signedStripe(SECRET, 'payment_intent.succeeded', 'evt_queue1');
    const second = signedStripe(SECRET, 'charge.refunded', 'evt_queue2');
    await send(w.url, first.body, first.headers);
    await send(w.url, second.body, second.headers);
    await send(w.url, first.body, first.headers); // a duplicate is not enqueued again
    // Records come in the order events finish: the duplicate, answered at once, may overtake the enqueues.
    const records = await w.events(3);
    const taken = records.filter((r) => !r.duplicate);
    expect(taken.map((r) => r.id).sort()).toEqual(['evt_queue1', 'evt_queue2']);
    for (const r of taken) {
      expect(r.forwards).toEqual([expect.objectContaining({ url: expect.stringMatching(/^sb:\/\/.+\/stripe-events$/), ok: true, error: null })]);
    }
    expect(records.find((r) => r.duplicate)!.forwards).toEqual([]);

    const receiver = client.createReceiver('stripe-events');
    const messages = (await receiver.peekMessages(10)).sort((a, b) => String(a.messageId).localeCompare(String(b.messageId)));
    await receiver.close();
    expect(messages.map((m) => [m.messageId, m.subject])).toEqual([
      ['evt_queue1', 'payment_intent.succeeded'],
      ['evt_queue2', 'charge.refunded'],
    ]);
    expect(messages[0]!.body).toEqual(JSON.parse(first.body));
    expect(messages[0]!.applicationProperties).toMatchObject({ provider: 'stripe', type: 'payment_intent.succeeded', verified: true });
  });
});
