import { UsageError } from '../../core/errors.js';

/**
 * The queue port: what the queue commands need from a message broker, in broker-neutral terms.
 * The Azure Service Bus implementation lives in service-bus-queue.ts; commands never see an SDK type.
 */

import type { AmqpTyped } from './typed-values.js';

/** A JSON value as it is written to disk. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A typed value in its on-disk encoding: JSON scalars as themselves, `{"$date": iso}` for timestamps and
 * `{"$binary": base64}` for bytes (see message-codec.ts).
 */
export type EncodedValue = JsonValue;

/** Application property values as the broker carries them (AmqpTyped: a value with its AMQP type). */
export type PropertyValue = string | number | boolean | null | Date | Buffer | AmqpTyped;

/** Where a message body lives in the AMQP message: one data section (the SDK default), an amqp-value or a sequence. */
export type BodyType = 'data' | 'value' | 'sequence';

/**
 * One message in the on-disk shape of DESIGN.md ("Service Bus messages on disk"): what `peek` and `drain` print
 * and write, and what `send --file` reads. Broker-assigned fields (sequenceNumber, enqueuedTimeUtc, deliveryCount,
 * dead-letter fields) are informative: `send` ignores them.
 */
export interface QueueMessage {
  messageId: EncodedValue;
  /** A JSON value where the body was canonical JSON, a string where it was a string, `{"$binary": …}` otherwise. */
  body: EncodedValue;
  /** Present only when the body was not a data section. */
  bodyType?: 'value' | 'sequence';
  contentType: string | null;
  correlationId: EncodedValue;
  subject: string | null;
  sessionId: string | null;
  replyTo: string | null;
  replyToSessionId: string | null;
  to: string | null;
  partitionKey: string | null;
  /** Milliseconds, as the sender set it; null when the message had none. */
  timeToLive: number | null;
  applicationProperties: Record<string, EncodedValue>;
  /** 64-bit, hence a string. */
  sequenceNumber: string | null;
  enqueuedTimeUtc: string | null;
  deliveryCount: number | null;
  deadLetterReason: string | null;
  deadLetterErrorDescription: string | null;
  deadLetterSource: string | null;
}

/** A message to send, with decoded values (Buffer bodies are sent as bytes, anything else as JSON). */
export interface OutgoingMessage {
  body: unknown;
  /** 'data' (default): Buffer as bytes, other values JSON-encoded; 'value'/'sequence': sent as that AMQP section. */
  bodyType?: BodyType;
  messageId?: string | number | Buffer;
  correlationId?: string | number | Buffer;
  contentType?: string;
  subject?: string;
  sessionId?: string;
  replyTo?: string;
  replyToSessionId?: string;
  to?: string;
  partitionKey?: string;
  timeToLive?: number;
  applicationProperties?: Record<string, PropertyValue>;
}

/** A queue, a subscription, or the dead-letter queue of either. */
export interface EntityRef {
  /** Queue or topic name. */
  name: string;
  /** Set for `topic/subscriptions/<subscription>`. */
  subscription?: string;
  /** The entity's dead-letter subqueue. */
  dlq: boolean;
}

export interface PeekOptions {
  /** At most this many messages in all. */
  count: number;
  /** Start at this sequence number (decimal string); default the oldest. */
  fromSequence?: string;
  /** Messages per request; default 100. */
  pageSize?: number;
  signal?: AbortSignal;
}

/** A message received in peek-lock mode: settle it through the receiver that returned it. */
export interface LockedMessage {
  readonly message: QueueMessage;
  /** When the broker will hand the message to someone else unless the lock is renewed or the message settled. */
  lockedUntil: Date | null;
}

export interface ReceiveOptions {
  /** How long to wait for the first message of a batch. */
  maxWaitMs: number;
  signal?: AbortSignal;
}

/** A peek-lock receiver on one entity. */
export interface LockedReceiver {
  /** Up to `max` messages; an empty array when none arrived within maxWaitMs. */
  receive(max: number, options: ReceiveOptions): Promise<LockedMessage[]>;
  /** Removes the message from the entity. */
  complete(message: LockedMessage): Promise<void>;
  /** Releases the lock; the message becomes available again (its delivery count rises). */
  abandon(message: LockedMessage): Promise<void>;
  /** Extends the lock; updates and returns `lockedUntil`. */
  renewLock(message: LockedMessage): Promise<Date | null>;
  close(): Promise<void>;
}

/**
 * A peek-lock receiver holding one session's lock: it receives only that session's messages, in order. Its
 * renewLock renews the session lock (which covers every message of the session).
 */
export interface SessionReceiver extends LockedReceiver {
  readonly sessionId: string;
  /** The session state as the SDK decodes it (JSON where it was JSON, else bytes); null when none. */
  getState(): Promise<unknown>;
}

/** A receive or send that needs sessions on an entity that requires them (exit 2 unless a command adapts). */
export class SessionsRequiredError extends UsageError {
  override name = 'SessionsRequiredError';
}

/** A receive-and-delete receiver: every message it hands over is already gone from the entity (purge). */
export interface DeletingReceiver {
  /** Receives and so deletes up to `max` messages; how many, 0 when none arrived within maxWaitMs. */
  deleteBatch(max: number, options: ReceiveOptions): Promise<number>;
  close(): Promise<void>;
}

/** A sender on one queue or topic, batching by the link's maximum message size. */
export interface QueueSender {
  /**
   * Sends the messages in as few batches as fit; resolves once the broker accepted all of them. Each batch is
   * accepted or refused as a whole; `onBatch` reports how many were accepted so far (a failure then leaves the
   * rest unsent).
   */
  send(messages: OutgoingMessage[], onBatch?: (accepted: number) => void): Promise<void>;
  /** Bytes a single message may take on this link. */
  maxMessageSize(): Promise<number>;
  close(): Promise<void>;
}

/** What the queue commands use; implemented for Azure Service Bus. */
export interface QueuePort {
  /** Where the port connects, for messages (never a secret). */
  readonly namespace: string;
  /** Non-destructive reads, one array per page, in sequence order. */
  peek(entity: EntityRef, options: PeekOptions): AsyncIterable<QueueMessage[]>;
  /** Opens a peek-lock receiver (connects and attaches, so a missing entity fails here). */
  openReceiver(entity: EntityRef): Promise<LockedReceiver>;
  /**
   * Accepts a session in peek-lock mode: the one named, or else the next one with messages; undefined when no
   * session is free. A named session held by another receiver is an UnavailableError.
   */
  acceptSession(entity: EntityRef, sessionId?: string): Promise<SessionReceiver | undefined>;
  /** Opens a receive-and-delete receiver: what it receives is deleted, no copy kept (purge). */
  openDeletingReceiver(entity: EntityRef): Promise<DeletingReceiver>;
  /** acceptSession in receive-and-delete mode (purge of a session-enabled entity). */
  acceptDeletingSession(entity: EntityRef, sessionId?: string): Promise<(DeletingReceiver & { readonly sessionId: string }) | undefined>;
  /** Opens a sender on a queue or topic (connects and attaches, so a missing entity fails here). */
  openSender(target: string): Promise<QueueSender>;
  /** One-call convenience: open a sender, send everything in batches, close it. Returns how many were sent. */
  sendMessages(target: string, messages: OutgoingMessage[]): Promise<number>;
  close(): Promise<void>;
}

/** How a command connects: exactly one of the two. */
export type QueueConnection = { connectionString: string } | { namespace: string };

/** Knobs the commands and tests may turn; defaults suit real Service Bus. */
export interface QueuePortOptions {
  /** Per-operation timeout of the SDK (also bounds connecting). */
  timeoutMs?: number;
  /** SDK retries of a failed operation. */
  maxRetries?: number;
}
