/**
 * The queue admin port: what `queue list` and `doctor` need from a broker's management API, in broker-neutral
 * terms. Implemented over Service Bus's HTTP management API in service-bus-admin.ts.
 */
import type { EntityRef, QueueConnection } from './queue.js';

export type EntityKind = 'queue' | 'topic' | 'subscription';

/**
 * One row of `queue list` (the `--json` shape of DESIGN.md). Counts a kind does not have are null: a topic holds
 * no messages itself (its subscriptions do), and Service Bus reports no size for a subscription.
 */
export interface EntityOverview {
  /** As users write it: `orders`, `events`, `events/subscriptions/billing`. */
  entity: string;
  kind: EntityKind;
  active: number | null;
  deadLetter: number | null;
  scheduled: number | null;
  transferDeadLetter: number | null;
  sizeBytes: number | null;
  status: string | null;
  requiresSession: boolean | null;
  maxDeliveryCount: number | null;
  /** ISO 8601 duration as Service Bus reports it, e.g. PT1M. */
  lockDuration: string | null;
}

export interface AdminOptions {
  signal?: AbortSignal;
}

/** Read-only management: nothing here creates, changes or deletes an entity. */
export interface QueueAdminPort {
  /** Where it connects, for messages (never a secret). */
  readonly namespace: string;
  /** Every queue, topic and subscription, with counts and settings. */
  listEntities(options?: AdminOptions): Promise<EntityOverview[]>;
  /** Whether the queue, topic or subscription exists (a dead-letter queue exists with its entity). */
  exists(entity: EntityRef, options?: AdminOptions): Promise<boolean>;
  close(): Promise<void>;
}

export interface QueueAdminOptions {
  /** For UseDevelopmentEmulator=true connection strings: the emulator's management port (default 5300). */
  managementPort?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Retries of a failed request (the SDK pipeline's own retry policy). */
  maxRetries?: number;
}

/** Microsoft's emulator serves its management API here; so does `switchyard emulator` by default. */
export const DEFAULT_EMULATOR_MANAGEMENT_PORT = 5300;

/** The connection string points at a local emulator (Microsoft's or switchyard's). */
export function isDevelopmentEmulator(connection: QueueConnection): boolean {
  return 'connectionString' in connection && /(?:^|;)\s*UseDevelopmentEmulator\s*=\s*true\s*(?:;|$)/i.test(connection.connectionString);
}
