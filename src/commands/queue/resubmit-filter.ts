import type { EncodedValue, QueueMessage } from '../../adapters/queue/index.js';
import { UsageError } from '../../core/errors.js';

/** Which dead letters `queue resubmit` takes; all of them when empty. */
export interface Filters {
  /** A regular expression (case-insensitive) that the dead-letter reason must match. */
  reason?: string;
  /** Application properties that must be present with exactly these values (compared as text). */
  where?: [string, string][];
}

/** An application property value as the text `--where k=v` compares with. */
export function propertyText(value: EncodedValue): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return String(value);
  // A typed value ({"$date": …}, {"$binary": …}, {"$int": …}, {"$uuid": …}…) matches as its inner value.
  const keys = Array.isArray(value) ? [] : Object.keys(value);
  if (keys.length === 1 && keys[0]!.startsWith('$')) {
    const inner = (value as Record<string, EncodedValue>)[keys[0]!];
    if (inner === null || typeof inner !== 'object') return String(inner);
  }
  return JSON.stringify(value);
}

/** The predicate for the filters; an invalid --reason is a UsageError. */
export function matcher(filters: Filters): (m: QueueMessage) => boolean {
  let reason: RegExp | undefined;
  if (filters.reason !== undefined) {
    try {
      reason = new RegExp(filters.reason, 'i');
    } catch (error) {
      throw new UsageError(`invalid --reason "${filters.reason}": ${(error as Error).message}`, {
        hint: 'write a regular expression, e.g. --reason "MaxDeliveryCount|TTLExpired"',
      });
    }
  }
  const where = filters.where ?? [];
  return (m) => {
    if (reason && !reason.test(m.deadLetterReason ?? '')) return false;
    for (const [key, expected] of where) {
      if (!(key in m.applicationProperties)) return false;
      if (propertyText(m.applicationProperties[key]!) !== expected) return false;
    }
    return true;
  };
}
