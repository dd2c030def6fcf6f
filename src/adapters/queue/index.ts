import { getSetting, type Config } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import type { QueueAdminOptions, QueueAdminPort } from './admin.js';
import type { QueueConnection, QueuePort, QueuePortOptions } from './queue.js';

export * from './queue.js';
export * from './admin.js';
export { parseEntity, parseTarget, entityPath, entityFileStem } from './entity.js';

/**
 * How to reach Service Bus from the settings: a connection string (SERVICEBUS_CONNECTION_STRING or
 * --connection-string) wins over a namespace (--namespace, Azure AD). Neither is a ConfigError naming both.
 * Pure, so commands can check it before doing anything else.
 */
export function resolveQueueConnection(config: Config): QueueConnection {
  const connectionString = getSetting(config, 'serviceBusConnectionString');
  if (connectionString) return { connectionString };
  const namespace = getSetting(config, 'serviceBusNamespace');
  if (namespace) return { namespace: namespace.includes('.') || namespace.includes(':') ? namespace : `${namespace}.servicebus.windows.net` };
  throw new ConfigError('no Service Bus connection: SERVICEBUS_CONNECTION_STRING is not set and --namespace was not given', {
    hint: 'set SERVICEBUS_CONNECTION_STRING (or pass --connection-string), or pass --namespace <name>.servicebus.windows.net to sign in with Azure AD',
  });
}

/** The host a connection string points at, for messages (the key never appears). */
export function connectionHost(connection: QueueConnection): string {
  if ('namespace' in connection) return connection.namespace;
  const endpoint = /Endpoint=sb:\/\/([^;/]+)/i.exec(connection.connectionString)?.[1];
  return endpoint ?? 'Service Bus';
}

/**
 * The Service Bus queue port. The SDK (and @azure/identity, for --namespace) is imported here, lazily, so
 * commands that never reach Service Bus never load it.
 */
export async function createQueuePort(config: Config | QueueConnection, options: QueuePortOptions = {}): Promise<QueuePort> {
  const connection = 'settings' in config ? resolveQueueConnection(config) : config;
  const { createServiceBusQueuePort } = await import('./service-bus-queue.js');
  return createServiceBusQueuePort(connection, connectionHost(connection), options);
}

/**
 * The management side (listing entities, checking that one exists) over Service Bus's HTTP management API. For a
 * `UseDevelopmentEmulator=true` connection string it goes over plain HTTP to the emulator's management port
 * (SERVICEBUS_MANAGEMENT_PORT, default 5300); anywhere else over HTTPS to the namespace.
 */
export async function createQueueAdmin(config: Config | QueueConnection, options: QueueAdminOptions = {}): Promise<QueueAdminPort> {
  const connection = 'settings' in config ? resolveQueueConnection(config) : config;
  const port = 'settings' in config ? getSetting(config, 'serviceBusManagementPort') : undefined;
  const { createServiceBusAdmin } = await import('./service-bus-admin.js');
  const credential = async () => (await import('./service-bus-credential.js')).createDefaultCredential();
  return createServiceBusAdmin(connection, connectionHost(connection), credential, {
    ...options,
    managementPort: options.managementPort ?? (port === undefined ? undefined : Number(port)),
  });
}
