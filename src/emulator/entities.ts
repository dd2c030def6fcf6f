import type { CorrelationFilter, QueueSettings } from './config.js';
import { readProperties, readSessionId, storedMessage, type IncomingMessage, type StoredMessage } from './message.js';
import type { DecodedFields } from './amqp-codec.js';
import { MessageQueue } from './queue.js';
import type { QueueEnv } from './queue-types.js';

/** Something a sender can attach to: a queue, or a topic that copies each message to its subscriptions. */
export interface SendTarget {
  readonly path: string;
  /** Stores what a sender sent; returns the sequence numbers given (for schedule-message). */
  send(messages: IncomingMessage[], now: number): number[];
  /** Cancels scheduled messages; false when one of them is not (or no longer) scheduled. */
  cancelScheduled(seqs: number[]): boolean;
  /** Why these messages cannot be taken (all or none), as an AMQP error; undefined when they can. */
  refuses(messages: IncomingMessage[]): { condition: string; description: string } | undefined;
}

/** A session-enabled entity's dead-letter queue is not session-enabled (a plain receiver reads it). */
export function deadLetterSettings(settings: QueueSettings): QueueSettings {
  return settings.requiresSession ? { ...settings, requiresSession: false } : settings;
}

const NO_SESSION_ID = {
  condition: 'amqp:not-allowed',
  description:
    'The SessionId was not set on a message, and it cannot be sent to the entity. Entities that have session support enabled can only receive messages that have the SessionId set to a valid value.',
};

/** Numbers messages per entity, as Service Bus does (a dead-letter queue keeps the original number). */
export class SequenceCounter {
  private next = 1;
  take(): number {
    return this.next++;
  }
  /** After a replay: continue above the highest number seen. */
  seen(seq: number): void {
    if (seq >= this.next) this.next = seq + 1;
  }
}

/** Remembers message ids for the entity's duplicate-detection window. */
export class DuplicateDetector {
  private readonly seenAt = new Map<string, number>();
  private inserts = 0;
  constructor(private readonly windowMs: number) {}

  isDuplicate(id: unknown, now: number): boolean {
    if (id === undefined || id === null) return false;
    const key = Buffer.isBuffer(id) ? `b:${id.toString('hex')}` : `${typeof id}:${String(id)}`;
    const at = this.seenAt.get(key);
    if (at !== undefined && now - at < this.windowMs) return true;
    this.seenAt.set(key, now);
    if (++this.inserts % 1000 === 0) {
      for (const [k, t] of this.seenAt) if (now - t >= this.windowMs) this.seenAt.delete(k);
    }
    return false;
  }
}

/** A stored copy of what a sender sent, numbered, with its expiry worked out from the entity's default TTL. */
export function toStored(incoming: IncomingMessage, seq: number, now: number, settings: QueueSettings): StoredMessage {
  const scheduled = incoming.scheduledAt !== undefined && incoming.scheduledAt > now;
  const start = scheduled ? incoming.scheduledAt! : now;
  let ttl = incoming.ttl;
  if (settings.defaultTtlMs !== undefined && (ttl === undefined || ttl > settings.defaultTtlMs)) ttl = settings.defaultTtlMs;
  return storedMessage({
    bare: incoming.bare,
    annotations: incoming.annotations,
    durable: incoming.durable,
    priority: incoming.priority,
    ttl,
    scheduledAt: incoming.scheduledAt,
    seq,
    enqueuedAt: start,
    expiresAt: ttl === undefined ? Number.POSITIVE_INFINITY : start + ttl,
    state: scheduled ? 'scheduled' : 'active',
    deliveries: 0,
  });
}

/** A queue and its dead-letter sub-queue. */
export class QueueEntity implements SendTarget {
  readonly main: MessageQueue;
  readonly deadLetter: MessageQueue;
  readonly sequence = new SequenceCounter();
  private readonly duplicates: DuplicateDetector;

  constructor(
    readonly path: string,
    readonly settings: QueueSettings,
    env: QueueEnv,
  ) {
    this.deadLetter = new MessageQueue(`${path}/$DeadLetterQueue`, deadLetterSettings(settings), env);
    this.main = new MessageQueue(path, settings, env, this.deadLetter);
    this.duplicates = new DuplicateDetector(settings.duplicateWindowMs);
  }

  send(messages: IncomingMessage[], now: number): number[] {
    const seqs: number[] = [];
    for (const m of messages) {
      if (this.settings.requiresDuplicateDetection && this.duplicates.isDuplicate(readProperties(m.bare).message_id, now)) continue;
      const seq = this.sequence.take();
      this.main.add(toStored(m, seq, now, this.settings));
      seqs.push(seq);
    }
    return seqs;
  }

  cancelScheduled(seqs: number[]): boolean {
    return cancelIn([this.main], seqs);
  }

  refuses(messages: IncomingMessage[]): { condition: string; description: string } | undefined {
    if (!this.settings.requiresSession) return undefined;
    return messages.every((m) => readSessionId(m.bare) !== undefined) ? undefined : NO_SESSION_ID;
  }
}

function cancelIn(queues: MessageQueue[], seqs: number[]): boolean {
  let all = true;
  for (const seq of seqs) {
    let found = false;
    for (const q of queues) {
      const msg = q.messages.get(seq);
      if (msg?.state === 'scheduled') {
        q.remove(msg);
        found = true;
      }
    }
    all &&= found;
  }
  return all;
}

/** A subscription: its queue, dead-letter queue and correlation filters (none: it takes every message). */
export interface Subscription {
  name: string;
  queue: MessageQueue;
  deadLetter: MessageQueue;
  filters: CorrelationFilter[];
}

/** A topic: numbers each message once and copies it to every subscription whose filters match. */
export class TopicEntity implements SendTarget {
  readonly subscriptions = new Map<string, Subscription>();
  readonly sequence = new SequenceCounter();
  private readonly duplicates: DuplicateDetector;

  constructor(
    readonly path: string,
    readonly settings: QueueSettings,
    private readonly env: QueueEnv,
  ) {
    this.duplicates = new DuplicateDetector(settings.duplicateWindowMs);
  }

  addSubscription(name: string, settings: QueueSettings, filters: CorrelationFilter[]): Subscription {
    const path = `${this.path}/Subscriptions/${name}`;
    const deadLetter = new MessageQueue(`${path}/$DeadLetterQueue`, deadLetterSettings(settings), this.env);
    const sub = { name, queue: new MessageQueue(path, settings, this.env, deadLetter), deadLetter, filters };
    this.subscriptions.set(name.toLowerCase(), sub);
    return sub;
  }

  send(messages: IncomingMessage[], now: number): number[] {
    const seqs: number[] = [];
    const filtered = [...this.subscriptions.values()].some((s) => s.filters.length > 0);
    for (const m of messages) {
      const props = filtered || this.settings.requiresDuplicateDetection ? readProperties(m.bare) : undefined;
      if (this.settings.requiresDuplicateDetection && this.duplicates.isDuplicate(props?.message_id, now)) continue;
      const seq = this.sequence.take();
      for (const sub of this.subscriptions.values()) {
        if (sub.filters.length > 0 && !sub.filters.some((f) => matches(f, props!))) continue;
        const stored = toStored(m, seq, now, sub.queue.settings);
        // A session-enabled subscription dead-letters what arrives without a SessionId (the topic took it).
        if (sub.queue.sessions && readSessionId(m.bare) === undefined) sub.queue.moveToDeadLetter(stored, 'Session id is null.');
        else sub.queue.add(stored);
      }
      seqs.push(seq);
    }
    return seqs;
  }

  cancelScheduled(seqs: number[]): boolean {
    return cancelIn(
      [...this.subscriptions.values()].map((s) => s.queue),
      seqs,
    );
  }

  refuses(): undefined {
    return undefined;
  }
}

const FIELDS: Array<[keyof CorrelationFilter, keyof DecodedFields]> = [
  ['correlationId', 'correlation_id'],
  ['messageId', 'message_id'],
  ['to', 'to'],
  ['replyTo', 'reply_to'],
  ['subject', 'subject'],
  ['sessionId', 'group_id'],
  ['replyToSessionId', 'reply_to_group_id'],
  ['contentType', 'content_type'],
];

/** A correlation filter matches when every field it names equals the message's (application properties by value). */
export function matches(filter: CorrelationFilter, props: DecodedFields): boolean {
  for (const [field, amqp] of FIELDS) {
    const want = filter[field];
    if (want !== undefined && String(props[amqp] ?? '') !== want) return false;
  }
  for (const [key, want] of Object.entries(filter.applicationProperties ?? {})) {
    const got = props.application_properties?.[key];
    if (got === undefined || got === null) return false;
    if (got instanceof Date ? got.getTime() !== want : typeof got === 'object' ? true : got !== want) return false;
  }
  return true;
}
