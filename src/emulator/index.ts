import { startAdminServer, type AdminServer } from './admin-http.js';
import { Broker } from './broker.js';
import { loadEmulatorConfig, parseDurationMs, EmulatorConfigError, type EmulatorConfig } from './config.js';
import { memoryJournal, type Journal } from './journal.js';
import { LockTokens } from './lock-token.js';
import { Namespace, type EntityCounts } from './namespace.js';
import { openFileJournal } from './persistence.js';
import type { SharedAccessKey } from './sas.js';

export { EmulatorConfigError } from './config.js';
export type { EmulatorConfig, QueueConfig, TopicConfig, SubscriptionConfig, CorrelationFilter } from './config.js';
export type { EntityCounts } from './namespace.js';
export type { SharedAccessKey } from './sas.js';

/** How to run the emulator; everything is optional. */
export interface EmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 picks a free one (default 0). */
  port?: number;
  /** Entities to serve (object, or path to a JSON file); without it, queues are created on first use. */
  config?: EmulatorConfig | string;
  /** Default lock duration for entities that do not set one (default 60 s). */
  lockDurationMs?: number;
  /** Default max delivery count (default 10). */
  maxDeliveryCount?: number;
  /** Keep messages in an append-only log here, so they survive a restart. */
  dataDir?: string;
  /**
   * Check the SAS token of every connection against this key, as Service Bus does; without it any token (or
   * none) is accepted. The connection string carries it.
   */
  sharedAccessKey?: SharedAccessKey;
  /** Diagnostics (protocol errors, dropped replies); silent by default. */
  log?: (line: string) => void;
  /**
   * TCP port of the HTTP management API (ServiceBusAdministrationClient's ATOM feeds) on the same host; 0 picks a
   * free one (default 0). Microsoft's emulator uses 5300.
   */
  managementPort?: number;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** `Endpoint=sb://host:port;SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true` (or the key given) */
  connectionString: string;
  host: string;
  port: number;
  /** Port of the HTTP management API (plain HTTP, ATOM), on the same host. */
  managementPort: number;
  /** Message counts of a queue or `topic/Subscriptions/name` (undefined when it does not exist). */
  entityCounts(name: string): EntityCounts | undefined;
  /** Stops listening, drops connections and closes the data log. */
  close(): Promise<void>;
}

/** Starts a Service Bus-compatible AMQP broker that the official @azure/service-bus SDK can use unchanged. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const host = options.host ?? '127.0.0.1';
  const config = options.config === undefined ? undefined : loadEmulatorConfig(options.config);
  const defaults = {
    lockDurationMs: options.lockDurationMs ?? 60_000,
    maxDeliveryCount: options.maxDeliveryCount ?? 10,
  };
  if (!(defaults.lockDurationMs > 0)) throw new EmulatorConfigError('lockDurationMs must be positive');
  if (!(Number.isInteger(defaults.maxDeliveryCount) && defaults.maxDeliveryCount >= 1)) {
    throw new EmulatorConfigError('maxDeliveryCount must be a whole number of at least 1');
  }
  const key = options.sharedAccessKey;
  if (key && (!key.name || !key.key || /[;\s]/.test(key.name + key.key))) {
    throw new EmulatorConfigError('the shared access key and its name must be non-empty, without ";" or spaces');
  }
  const tokens = new LockTokens();
  // The namespace needs the journal and the journal's replay needs the namespace: bind through a forwarder.
  let journal: Journal = memoryJournal;
  const forward: Journal = {
    put: (q, m) => journal.put(q, m),
    remove: (q, s) => journal.remove(q, s),
    update: (q, m) => journal.update(q, m),
    sessionState: (q, id, state) => journal.sessionState(q, id, state),
    commit: () => journal.commit(),
    close: () => journal.close(),
  };
  const ns = new Namespace(config, defaults, { journal: forward, tokens });
  if (options.dataDir) journal = await openFileJournal(options.dataDir, ns, options.log);
  const broker = new Broker(ns, forward, tokens, options.log, options.sharedAccessKey);
  let port: number;
  let admin: AdminServer;
  try {
    port = await broker.listen(host, options.port ?? 0);
    admin = await startAdminServer(ns.adminView(), { host, port: options.managementPort ?? 0, sharedAccessKey: key, log: options.log }).catch(
      async (error: unknown) => {
        await broker.close();
        throw error;
      },
    );
  } catch (error) {
    await journal.close();
    throw error;
  }
  const { name: keyName, key: keyValue } = key ?? { name: 'local', key: 'local' };
  const endpointHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    connectionString: `Endpoint=sb://${endpointHost}:${port};SharedAccessKeyName=${keyName};SharedAccessKey=${keyValue};UseDevelopmentEmulator=true`,
    host,
    port,
    managementPort: admin.port,
    entityCounts: (name) => ns.counts(name),
    close: () =>
      (closing ??= (async () => {
        await Promise.all([broker.close(), admin.close()]);
        await journal.close();
      })()),
  };
}

/** Parses a duration the way entities.json does (`30s`, `PT30S`, milliseconds). */
export function parseEmulatorDuration(value: string, what: string): number {
  return parseDurationMs(value, what, (p, w) => {
    throw new EmulatorConfigError(`${p} ${w}`);
  });
}
