import type { LockedReceiver, QueuePort } from '../adapters/queue/index.js';

/** What the deliberately failing consumer did in one run. */
export interface ConsumerRun {
  completed: number;
  /** Attempts that failed (each one abandoned the message, raising its delivery count). */
  failedAttempts: number;
}

/**
 * A consumer of the demo's event queue that fails on some events. Every failure abandons the message, as a
 * crashing handler would; once a message has failed maxDeliveryCount times the broker dead-letters it with
 * MaxDeliveryCountExceeded. Runs until every expected message was completed or given up on, or, should one never
 * come, until the queue stays empty for `idleMs`.
 */
export async function consume(
  port: QueuePort,
  queue: string,
  fails: (type: string) => boolean,
  options: { expected: number; maxDeliveryCount: number; idleMs: number; signal: AbortSignal },
): Promise<ConsumerRun> {
  const run: ConsumerRun = { completed: 0, failedAttempts: 0 };
  let gaveUp = 0;
  const receiver: LockedReceiver = await port.openReceiver({ name: queue, dlq: false });
  try {
    while (run.completed + gaveUp < options.expected) {
      const batch = await receiver.receive(50, { maxWaitMs: options.idleMs, signal: options.signal });
      if (batch.length === 0) return run;
      for (const locked of batch) {
        const type = String(locked.message.applicationProperties.type ?? locked.message.subject ?? '');
        if (fails(type)) {
          run.failedAttempts += 1;
          // deliveryCount counts earlier attempts: this was the last one the broker allows.
          if ((locked.message.deliveryCount ?? 0) + 1 >= options.maxDeliveryCount) gaveUp += 1;
          await receiver.abandon(locked);
        } else {
          run.completed += 1;
          await receiver.complete(locked);
        }
      }
    }
    return run;
  } finally {
    await receiver.close();
  }
}
