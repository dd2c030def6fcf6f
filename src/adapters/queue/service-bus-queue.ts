import { createRequire } from 'node:module';
import {
  ServiceBusClient,
  type ServiceBusClientOptions,
  type ServiceBusMessageBatch,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusReceiverOptions,
  type ServiceBusSender,
  type ServiceBusSessionReceiver,
  type PeekMessagesOptions,
  isServiceBusError,
} from '@azure/service-bus';
import { withCallSignal } from '../../core/abort.js';
import { UsageError } from '../../core/errors.js';
import { entityPath } from './entity.js';
import { encodeValue, idText } from './message-codec.js';
import { recordAmqpTypes } from './amqp-types.js';
import { toQueueMessage, toSdkMessage } from './service-bus-convert.js';
import type {
  DeletingReceiver,
  EntityRef,
  LockedMessage,
  LockedReceiver,
  OutgoingMessage,
  PeekOptions,
  QueueConnection,
  QueueMessage,
  QueuePort,
  QueuePortOptions,
  QueueSender,
  ReceiveOptions,
  SessionReceiver,
} from './queue.js';
import { mapServiceBusError, type ErrorScope } from './service-bus-errors.js';

/*
 * The only file that loads @azure/service-bus (service-bus-convert.ts uses its types only); index.ts imports this
 * file with a dynamic import(), so nothing loads the SDK before a queue command runs.
 *
 * Retries: one layer, the SDK's own (retryOptions below); switchyard adds none on top. The SDK's defaults
 * (3 retries, 30 s apart, 60 s per attempt) make an unreachable namespace take minutes, so they are tightened:
 * a refused connection fails in about a second, a silent one after a few timeouts.
 */
export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_RETRIES = 2;

// Long is what the SDK takes for sequence numbers; load the very copy the SDK itself resolves.
type SdkLong = NonNullable<PeekMessagesOptions['fromSequenceNumber']>;
const LongClass = createRequire(createRequire(import.meta.url).resolve('@azure/service-bus'))('long') as {
  fromString(text: string): SdkLong;
};

type Client = ServiceBusClient;

/** Creates the port: a connection string, or a namespace with Azure AD (DefaultAzureCredential, loaded only then). */
export async function createServiceBusQueuePort(
  connection: QueueConnection,
  namespace: string,
  options: QueuePortOptions = {},
): Promise<QueuePort> {
  const timeoutInMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clientOptions: ServiceBusClientOptions = {
    retryOptions: {
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
      retryDelayInMs: 300,
      maxRetryDelayInMs: 3_000,
      mode: 1 /* RetryMode.Exponential */,
      timeoutInMs,
    },
  };
  if ('connectionString' in connection) {
    return new ServiceBusQueuePort(new ServiceBusClient(connection.connectionString, clientOptions), namespace);
  }
  const { createDefaultCredential } = await import('./service-bus-credential.js');
  return new ServiceBusQueuePort(new ServiceBusClient(connection.namespace, createDefaultCredential(), clientOptions), namespace);
}

// Before any message is received: application properties keep their AMQP types through drain → send.
recordAmqpTypes();

const RECEIVER_OPTIONS: ServiceBusReceiverOptions = {
  receiveMode: 'peekLock',
  // The commands renew locks themselves, only while they still need them.
  maxAutoLockRenewalDurationInMs: 0,
  // Bytes and dates as they are on the wire: the codec decides how to write them (lossless).
  skipParsingBodyAsJson: true,
  skipConvertingDate: true,
};

class ServiceBusQueuePort implements QueuePort {
  constructor(
    private readonly client: Client,
    readonly namespace: string,
  ) {}

  private scope(operation: string, path?: string): ErrorScope {
    return { namespace: this.namespace, entity: path, operation };
  }

  private createReceiver(entity: EntityRef, mode: 'peekLock' | 'receiveAndDelete' = 'peekLock'): ServiceBusReceiver {
    const options = { ...RECEIVER_OPTIONS, receiveMode: mode, subQueueType: entity.dlq ? ('deadLetter' as const) : undefined };
    return entity.subscription
      ? this.client.createReceiver(entity.name, entity.subscription, options)
      : this.client.createReceiver(entity.name, options);
  }

  async *peek(entity: EntityRef, options: PeekOptions): AsyncIterable<QueueMessage[]> {
    const scope = this.scope('peek', entityPath(entity));
    const receiver = this.createReceiver(entity);
    const pageSize = options.pageSize ?? 100;
    let from = BigInt(options.fromSequence ?? '0');
    let left = options.count;
    try {
      while (left > 0 && !options.signal?.aborted) {
        let page: ServiceBusReceivedMessage[];
        try {
          page = await withCallSignal(options.signal, (abortSignal) =>
            receiver.peekMessages(Math.min(pageSize, left), { fromSequenceNumber: LongClass.fromString(from.toString()), abortSignal }),
          );
        } catch (error) {
          throw mapServiceBusError(error, scope);
        }
        if (page.length === 0) return;
        const messages = page.map(toQueueMessage);
        left -= messages.length;
        from = BigInt(messages[messages.length - 1]!.sequenceNumber ?? from.toString()) + 1n;
        yield messages;
      }
    } finally {
      await receiver.close().catch(() => {});
    }
  }

  async openReceiver(entity: EntityRef): Promise<LockedReceiver> {
    return new SdkLockedReceiver(this.createReceiver(entity), this.scope('receive', entityPath(entity)));
  }

  async acceptSession(entity: EntityRef, sessionId?: string): Promise<SessionReceiver | undefined> {
    const receiver = await this.acceptSdkSession(entity, sessionId, 'peekLock');
    if (!receiver) return undefined;
    return new SdkSessionReceiver(receiver, this.scope('receive', `${entityPath(entity)} (session "${receiver.sessionId}")`));
  }

  async acceptDeletingSession(entity: EntityRef, sessionId?: string): Promise<(DeletingReceiver & { readonly sessionId: string }) | undefined> {
    const receiver = await this.acceptSdkSession(entity, sessionId, 'receiveAndDelete');
    if (!receiver) return undefined;
    return { ...this.deleting(receiver, entity), sessionId: receiver.sessionId };
  }

  /** The next session with messages (undefined when none is free), or the one named. */
  private async acceptSdkSession(entity: EntityRef, sessionId: string | undefined, mode: 'peekLock' | 'receiveAndDelete'): Promise<ServiceBusSessionReceiver | undefined> {
    const path = entityPath(entity);
    const scope = this.scope(sessionId === undefined ? 'accept a session' : `accept session "${sessionId}"`, path);
    const options = { ...RECEIVER_OPTIONS, receiveMode: mode };
    let receiver: ServiceBusSessionReceiver;
    try {
      if (sessionId === undefined) {
        receiver = entity.subscription
          ? await this.client.acceptNextSession(entity.name, entity.subscription, options)
          : await this.client.acceptNextSession(entity.name, options);
      } else {
        receiver = entity.subscription
          ? await this.client.acceptSession(entity.name, entity.subscription, sessionId, options)
          : await this.client.acceptSession(entity.name, sessionId, options);
      }
    } catch (error) {
      // Next-available: Service Bus answers "no free session with messages" with a timeout.
      if (sessionId === undefined && isServiceBusError(error) && error.code === 'ServiceTimeout') return undefined;
      throw mapServiceBusError(error, scope);
    }
    return receiver;
  }

  async openDeletingReceiver(entity: EntityRef): Promise<DeletingReceiver> {
    return this.deleting(this.createReceiver(entity, 'receiveAndDelete'), entity);
  }

  private deleting(receiver: ServiceBusReceiver, entity: EntityRef): DeletingReceiver {
    const scope = this.scope('purge', entityPath(entity));
    return {
      deleteBatch: async (max, options) => {
        try {
          const batch = await withCallSignal(options.signal, (abortSignal) =>
            receiver.receiveMessages(max, { maxWaitTimeInMs: options.maxWaitMs, abortSignal }),
          );
          return batch.length;
        } catch (error) {
          throw mapServiceBusError(error, scope);
        }
      },
      close: () => receiver.close().catch(() => {}),
    };
  }

  async openSender(target: string): Promise<QueueSender> {
    const scope = this.scope('send', target);
    const sender = this.client.createSender(target);
    let maxSize: number;
    try {
      // Creating a batch attaches the link: a missing entity or a refused key shows up now, before any work.
      maxSize = (await sender.createMessageBatch()).maxSizeInBytes;
    } catch (error) {
      await sender.close().catch(() => {});
      throw mapServiceBusError(error, scope);
    }
    return new SdkSender(sender, scope, maxSize);
  }

  async sendMessages(target: string, messages: OutgoingMessage[]): Promise<number> {
    const sender = await this.openSender(target);
    try {
      await sender.send(messages);
      return messages.length;
    } finally {
      await sender.close();
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => {});
  }
}

class SdkLockedReceiver implements LockedReceiver {
  private readonly sdk = new WeakMap<LockedMessage, ServiceBusReceivedMessage>();

  constructor(
    protected readonly receiver: ServiceBusReceiver,
    private readonly scope: ErrorScope,
  ) {}

  private handle(message: LockedMessage): ServiceBusReceivedMessage {
    const m = this.sdk.get(message);
    if (!m) throw new Error('message was not received by this receiver');
    return m;
  }

  protected async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw mapServiceBusError(error, { ...this.scope, operation });
    }
  }

  async receive(max: number, options: ReceiveOptions): Promise<LockedMessage[]> {
    const batch = await this.call('receive', () =>
      withCallSignal(options.signal, (abortSignal) => this.receiver.receiveMessages(max, { maxWaitTimeInMs: options.maxWaitMs, abortSignal })),
    );
    return batch.map((m) => {
      const locked: LockedMessage = { message: toQueueMessage(m), lockedUntil: m.lockedUntilUtc ?? null };
      this.sdk.set(locked, m);
      return locked;
    });
  }

  complete(message: LockedMessage): Promise<void> {
    return this.call('complete', () => this.receiver.completeMessage(this.handle(message)));
  }

  abandon(message: LockedMessage): Promise<void> {
    return this.call('abandon', () => this.receiver.abandonMessage(this.handle(message)));
  }

  async renewLock(message: LockedMessage): Promise<Date | null> {
    const until = await this.call('renew lock', () => this.receiver.renewMessageLock(this.handle(message)));
    message.lockedUntil = until;
    return until;
  }

  async close(): Promise<void> {
    await this.receiver.close().catch(() => {});
  }
}

/** A session's receiver: a message lock is the session lock, so renewing one renews the session's. */
class SdkSessionReceiver extends SdkLockedReceiver implements SessionReceiver {
  /** One renewal serves every message that asks meanwhile (a lock keeper asks for each message of a batch). */
  private renewing?: Promise<Date>;

  constructor(
    private readonly session: ServiceBusSessionReceiver,
    scope: ErrorScope,
  ) {
    super(session, scope);
  }

  get sessionId(): string {
    return this.session.sessionId;
  }

  override async renewLock(message: LockedMessage): Promise<Date | null> {
    this.renewing ??= this.call('renew session lock', () => this.session.renewSessionLock()).finally(() => (this.renewing = undefined));
    const until = await this.renewing;
    message.lockedUntil = until;
    return until;
  }

  async getState(): Promise<unknown> {
    return (await this.call('get session state', () => this.session.getSessionState())) ?? null;
  }
}

class SdkSender implements QueueSender {
  constructor(
    private readonly sender: ServiceBusSender,
    private readonly scope: ErrorScope,
    private readonly maxSize: number,
  ) {}

  async maxMessageSize(): Promise<number> {
    return this.maxSize;
  }

  async send(messages: OutgoingMessage[], onBatch?: (accepted: number) => void): Promise<void> {
    let accepted = 0;
    let batch: ServiceBusMessageBatch | undefined;
    let batchKey: string | undefined;
    const flush = async () => {
      if (!batch || batch.count === 0) return;
      const count = batch.count;
      try {
        await this.sender.sendMessages(batch);
      } catch (error) {
        throw mapServiceBusError(error, this.scope);
      }
      accepted += count;
      batch = undefined;
      onBatch?.(accepted);
    };
    for (const message of messages) {
      const sdkMessage = toSdkMessage(message);
      // Partitioned and session entities take a batch only when all its messages share the key.
      const key = `${message.sessionId ?? ''}\u0000${message.partitionKey ?? ''}`;
      if (batch && key !== batchKey) await flush();
      batch ??= await this.newBatch();
      batchKey = key;
      if (batch.tryAddMessage(sdkMessage)) continue;
      await flush();
      batch = await this.newBatch();
      if (!batch.tryAddMessage(sdkMessage)) {
        throw new UsageError(
          `message ${idText(encodeValue(message.messageId ?? null)) || '(without messageId)'} is too large for "${this.scope.entity}" (at most ${this.maxSize} bytes on this link)`,
          { hint: `${accepted} message(s) were sent before it; shrink the body or send it elsewhere` },
        );
      }
    }
    await flush();
  }

  private async newBatch(): Promise<ServiceBusMessageBatch> {
    try {
      return await this.sender.createMessageBatch();
    } catch (error) {
      throw mapServiceBusError(error, this.scope);
    }
  }

  async close(): Promise<void> {
    await this.sender.close().catch(() => {});
  }
}
