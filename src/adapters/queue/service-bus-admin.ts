import {
  ServiceBusAdministrationClient,
  type QueueProperties,
  type QueueRuntimeProperties,
  type SubscriptionProperties,
  type SubscriptionRuntimeProperties,
  type TopicProperties,
  type TopicRuntimeProperties,
} from '@azure/service-bus';
import type { TokenCredential } from '@azure/identity';
import { AuthError, UnavailableError, UsageError } from '../../core/errors.js';
import {
  DEFAULT_EMULATOR_MANAGEMENT_PORT,
  isDevelopmentEmulator,
  type AdminOptions,
  type EntityOverview,
  type QueueAdminOptions,
  type QueueAdminPort,
} from './admin.js';
import { entityPath } from './entity.js';
import type { EntityRef, QueueConnection } from './queue.js';
import { mapServiceBusError, type ErrorScope } from './service-bus-errors.js';

/**
 * ServiceBusAdministrationClient (Service Bus's HTTP management API, ATOM feeds). SDK 7.9 always calls
 * https://<Endpoint host>/…, ignoring UseDevelopmentEmulator; for an emulator connection string a pipeline policy
 * sends the same requests over plain HTTP to the emulator's management port instead, as the .NET client does.
 */
export async function createServiceBusAdmin(
  connection: QueueConnection,
  namespace: string,
  credential: () => Promise<TokenCredential>,
  options: QueueAdminOptions = {},
): Promise<QueueAdminPort> {
  const clientOptions = {
    retryOptions: { maxRetries: options.maxRetries ?? 2, retryDelayInMs: 300, maxRetryDelayInMs: 3_000 },
  };
  if (!('connectionString' in connection)) {
    return new ServiceBusAdmin(new ServiceBusAdministrationClient(connection.namespace, await credential(), clientOptions), namespace, options);
  }
  const client = new ServiceBusAdministrationClient(connection.connectionString, clientOptions);
  if (!isDevelopmentEmulator(connection)) return new ServiceBusAdmin(client, namespace, options);
  const port = options.managementPort ?? DEFAULT_EMULATOR_MANAGEMENT_PORT;
  client.pipeline.addPolicy({
    name: 'switchyard-emulator-http',
    sendRequest: (request, next) => {
      const url = new URL(request.url);
      url.protocol = 'http:';
      url.port = String(port);
      request.url = url.toString();
      request.allowInsecureConnection = true;
      return next(request);
    },
  });
  const host = /Endpoint=sb:\/\/([^;/:]+|\[[^\]]+\])/i.exec(connection.connectionString)?.[1] ?? namespace;
  return new ServiceBusAdmin(client, `${host}:${port}`, options, port);
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

class ServiceBusAdmin implements QueueAdminPort {
  constructor(
    private readonly client: ServiceBusAdministrationClient,
    readonly namespace: string,
    private readonly options: QueueAdminOptions,
    private readonly emulatorPort?: number,
  ) {}

  private async call<T>(operation: string, entity: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw mapAdminError(error, { namespace: this.namespace, entity, operation }, this.emulatorPort);
    }
  }

  private ops(options: AdminOptions = {}) {
    return { abortSignal: options.signal, requestOptions: { timeout: this.options.timeoutMs ?? 30_000 } };
  }

  async listEntities(options: AdminOptions = {}): Promise<EntityOverview[]> {
    const ops = this.ops(options);
    return this.call('list entities', undefined, async () => {
      const [queues, queueCounts, topics, topicCounts] = await Promise.all([
        all(this.client.listQueues(ops)),
        all(this.client.listQueuesRuntimeProperties(ops)),
        all(this.client.listTopics(ops)),
        all(this.client.listTopicsRuntimeProperties(ops)),
      ]);
      const rows: EntityOverview[] = [];
      const queueRt = new Map(queueCounts.map((q) => [q.name, q]));
      for (const q of queues) rows.push(queueRow(q, queueRt.get(q.name)));
      const topicRt = new Map(topicCounts.map((t) => [t.name, t]));
      // One topic at a time keeps the request rate polite on a namespace with hundreds of topics.
      for (const t of topics) {
        rows.push(topicRow(t, topicRt.get(t.name)));
        const [subs, subCounts] = await Promise.all([
          all(this.client.listSubscriptions(t.name, ops)),
          all(this.client.listSubscriptionsRuntimeProperties(t.name, ops)),
        ]);
        const subRt = new Map(subCounts.map((s) => [s.subscriptionName, s]));
        for (const s of subs) rows.push(subscriptionRow(s, subRt.get(s.subscriptionName)));
      }
      return rows;
    });
  }

  async exists(entity: EntityRef, options: AdminOptions = {}): Promise<boolean> {
    const ops = this.ops(options);
    return this.call('check', entityPath(entity, false), async () => {
      if (entity.subscription) return this.client.subscriptionExists(entity.name, entity.subscription, ops).then((found) => found || this.rethrow(ops));
      // queueExists/topicExists answer false for any failure: a refused key must not read as "missing".
      if (await this.client.queueExists(entity.name, ops)) return true;
      if (await this.client.topicExists(entity.name, ops)) return true;
      return this.rethrow(ops);
    });
  }

  /** After an "…Exists" said no: false if the namespace answers at all, else the real error. */
  private async rethrow(ops: ReturnType<ServiceBusAdmin['ops']>): Promise<false> {
    await this.client.getNamespaceProperties(ops);
    return false;
  }

  async close(): Promise<void> {}
}

function queueRow(q: QueueProperties, rt: QueueRuntimeProperties | undefined): EntityOverview {
  return {
    entity: q.name,
    kind: 'queue',
    active: rt?.activeMessageCount ?? null,
    deadLetter: rt?.deadLetterMessageCount ?? null,
    scheduled: rt?.scheduledMessageCount ?? null,
    transferDeadLetter: rt?.transferDeadLetterMessageCount ?? null,
    sizeBytes: rt?.sizeInBytes ?? null,
    status: q.status ?? null,
    requiresSession: q.requiresSession,
    maxDeliveryCount: q.maxDeliveryCount,
    lockDuration: q.lockDuration,
  };
}

function topicRow(t: TopicProperties, rt: TopicRuntimeProperties | undefined): EntityOverview {
  return {
    entity: t.name,
    kind: 'topic',
    active: null,
    deadLetter: null,
    scheduled: rt?.scheduledMessageCount ?? null,
    transferDeadLetter: null,
    sizeBytes: rt?.sizeInBytes ?? null,
    status: t.status ?? null,
    requiresSession: null,
    maxDeliveryCount: null,
    lockDuration: null,
  };
}

function subscriptionRow(s: SubscriptionProperties, rt: SubscriptionRuntimeProperties | undefined): EntityOverview {
  return {
    entity: `${s.topicName}/subscriptions/${s.subscriptionName}`,
    kind: 'subscription',
    active: rt?.activeMessageCount ?? null,
    deadLetter: rt?.deadLetterMessageCount ?? null,
    scheduled: null,
    transferDeadLetter: rt?.transferDeadLetterMessageCount ?? null,
    sizeBytes: null,
    status: s.status ?? null,
    requiresSession: s.requiresSession,
    maxDeliveryCount: s.maxDeliveryCount,
    lockDuration: s.lockDuration,
  };
}

/** HTTP statuses of the management API first (RestError), then whatever the AMQP side's mapping knows. */
export function mapAdminError(error: unknown, scope: ErrorScope, emulatorPort?: number): Error {
  const e = error as { name?: string; statusCode?: number; code?: string; message?: string };
  const where = scope.entity ? `"${scope.entity}" on ${scope.namespace}` : scope.namespace;
  if (e?.name === 'RestError' && e.statusCode !== undefined) {
    if (e.statusCode === 401 || e.statusCode === 403) {
      return new AuthError(`Service Bus's management API refused the credentials for ${where} (${scope.operation})`, {
        hint: 'listing needs the Manage right (a RootManageSharedAccessKey-like key, or the Azure Service Bus Data Owner role)',
        cause: error,
      });
    }
    if (e.statusCode === 404 || e.code === 'MessageEntityNotFoundError') {
      return new UsageError(`Service Bus entity ${where} does not exist`, { hint: 'check the name', cause: error });
    }
    if (e.statusCode === 429 || e.statusCode >= 500) {
      return new UnavailableError(`Service Bus's management API failed (${e.statusCode}) for ${where}`, { hint: 'retrying later may help', cause: error });
    }
  }
  const mapped = mapServiceBusError(error, scope);
  if (emulatorPort !== undefined && mapped instanceof UnavailableError) {
    return new UnavailableError(`cannot reach the emulator's management API at ${scope.namespace}`, {
      hint: `is an emulator serving its management port ${emulatorPort}? set SERVICEBUS_MANAGEMENT_PORT to the port it printed`,
      cause: error,
    });
  }
  return mapped;
}
