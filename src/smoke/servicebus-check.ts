import { randomUUID } from 'node:crypto';
import { createQueuePort, resolveQueueConnection, type LockedReceiver, type QueuePort } from '../adapters/queue/index.js';
import { ConfigError } from '../core/errors.js';
import { SkipCheck, type Check } from './types.js';

/**
 * Sends a canary with a unique messageId to the smoke queue, receives it back in peek-lock mode and completes it.
 * Other messages met on the way are abandoned untouched, so the check leaves the queue as it found it.
 */
export const servicebusCheck: Check = async (ctx, input, signal) => {
  try {
    resolveQueueConnection(ctx.config);
  } catch (error) {
    if (error instanceof ConfigError) throw new SkipCheck('SERVICEBUS_CONNECTION_STRING is not set (nor --namespace)');
    throw error;
  }
  const messageId = `switchyard-smoke-${randomUUID()}`;
  let port: QueuePort | undefined;
  let receiver: LockedReceiver | undefined;
  try {
    port = await createQueuePort(ctx.config, { timeoutMs: Math.min(input.timeoutMs, 30_000), maxRetries: 1 });
    await port.sendMessages(input.queue, [
      { messageId, body: { canary: true, sentAt: new Date().toISOString() }, contentType: 'application/json', subject: 'switchyard.smoke' },
    ]);
    receiver = await port.openReceiver({ name: input.queue, dlq: false });
    const deadline = Date.now() + input.timeoutMs;
    while (Date.now() < deadline) {
      signal.throwIfAborted();
      const batch = await receiver.receive(50, { maxWaitMs: Math.min(5_000, Math.max(1, deadline - Date.now())), signal });
      let found = false;
      for (const locked of batch) {
        if (locked.message.messageId === messageId) {
          await receiver.complete(locked);
          found = true;
        } else {
          await receiver.abandon(locked);
        }
      }
      if (found) return `canary ${messageId} sent to ${input.queue}, received back and completed`;
    }
    throw new Error(`canary ${messageId} was sent to ${input.queue} but did not come back within ${input.timeoutMs} ms`);
  } finally {
    await receiver?.close().catch(() => {});
    await port?.close().catch(() => {});
  }
};
