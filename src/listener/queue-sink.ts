import type { DeliveryOutcome } from '../adapters/http/deliver.js';
import type { OutgoingMessage, QueuePort, QueueSender } from '../adapters/queue/index.js';
import type { EventSink, ReceivedEvent } from './types.js';

/**
 * The message an accepted event becomes: the body as JSON where it parses (as a consumer would want it), else as
 * text; the provider's event id as messageId, so the queue's duplicate detection can drop a provider's retry; the
 * event type as subject and in an application property, so `queue resubmit --where type=…` can select by it.
 */
export function eventMessage(event: ReceivedEvent): OutgoingMessage {
  const text = event.body.toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (Slack slash commands are form-encoded): kept as the text it was.
  }
  return {
    body,
    messageId: event.id ?? `${event.receivedAt}-${event.seq}`,
    contentType: event.headers['content-type'] ?? 'application/json',
    ...(event.type ? { subject: event.type } : {}),
    applicationProperties: {
      type: event.type ?? null,
      provider: event.provider ?? null,
      verified: event.verified,
      receivedAt: event.receivedAt,
    },
  };
}

/** Enqueues each accepted event on a queue or topic (`webhooks listen --forward-queue`, and the demo). */
export class QueueSink implements EventSink {
  readonly name: string;
  private sender: Promise<QueueSender> | undefined;

  constructor(
    private readonly port: QueuePort,
    private readonly queue: string,
  ) {
    this.name = `queue ${queue}`;
  }

  async deliver(event: ReceivedEvent): Promise<DeliveryOutcome> {
    const url = `sb://${this.port.namespace}/${this.queue}`;
    const started = performance.now();
    try {
      this.sender ??= this.port.openSender(this.queue);
      await (await this.sender).send([eventMessage(event)]);
      return { url, status: null, ok: true, latencyMs: Math.round(performance.now() - started), attempts: 1, error: null };
    } catch (error) {
      // A failed link is reopened on the next event rather than kept broken.
      this.sender = undefined;
      return { url, status: null, ok: false, latencyMs: null, attempts: 1, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    const sender = await this.sender?.catch(() => undefined);
    await sender?.close();
  }
}
