import { UsageError } from '../../core/errors.js';

/** `--session <id>` of drain and purge: any non-empty id, and never with --dlq (a dead-letter queue has no sessions). */
export function parseSessionFlag(value: string | undefined, dlq: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (dlq) throw new UsageError('--session does not go with --dlq', { hint: 'a dead-letter queue has no sessions; its messages keep their sessionId' });
  if (value.length === 0) throw new UsageError('--session needs a session id', { hint: 'e.g. --session customer-42' });
  return value;
}
