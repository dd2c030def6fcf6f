import { createQueueAdmin, type EntityOverview, type QueueAdminPort } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { CheckFailedError } from '../../core/errors.js';
import { plural } from './shared.js';

export interface ListInput {
  /** Only entities with dead letters. */
  dlqOnly?: boolean;
  /** Fail (exit 1) when any dead-letter queue is not empty, after printing the list. */
  failOnDeadLetters?: boolean;
  admin?: QueueAdminPort;
}

/**
 * `queue list`: every entity with its counts and settings, those with dead letters first (most first), the rest
 * in the namespace's order (each topic followed by its subscriptions).
 */
export async function runList(ctx: Context, input: ListInput = {}): Promise<EntityOverview[]> {
  const admin = input.admin ?? (await createQueueAdmin(ctx.config));
  let rows: EntityOverview[];
  const spinner = ctx.out.spinner(`listing entities on ${admin.namespace}`);
  try {
    rows = await admin.listEntities({ signal: ctx.signal });
  } finally {
    spinner.stop();
    if (!input.admin) await admin.close();
  }
  const sorted = rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => (b.row.deadLetter ?? 0) - (a.row.deadLetter ?? 0) || a.i - b.i)
    .map(({ row }) => row);
  const withDeadLetters = sorted.filter((r) => (r.deadLetter ?? 0) > 0);
  const shown = input.dlqOnly ? withDeadLetters : sorted;
  if (ctx.out.json) ctx.out.jsonLine(shown);
  else render(ctx, shown);
  const dead = withDeadLetters.reduce((n, r) => n + (r.deadLetter ?? 0), 0);
  if (rows.length === 0) ctx.out.info(`no queues or topics on ${admin.namespace}`);
  else {
    ctx.out.info(
      `${plural(rows.length, 'entity', 'entities')} on ${admin.namespace}; ` +
        (dead ? `${plural(withDeadLetters.length, 'dead-letter queue')} not empty (${plural(dead, 'dead letter')} in all)` : 'no dead letters'),
    );
  }
  if (input.failOnDeadLetters && withDeadLetters.length > 0) {
    const names = withDeadLetters.slice(0, 5).map((r) => `${r.entity} (${r.deadLetter})`).join(', ');
    throw new CheckFailedError(
      `${plural(withDeadLetters.length, 'dead-letter queue')} not empty: ${names}${withDeadLetters.length > 5 ? ', …' : ''}`,
      { hint: 'look with `switchyard queue triage <entity>`; resubmit, drain or purge them' },
      'dead_letters',
    );
  }
  return shown;
}

function render(ctx: Context, rows: EntityOverview[]): void {
  const n = (v: number | null) => (v === null ? '-' : v.toLocaleString('en-US'));
  ctx.out.table(
    ['ENTITY', 'KIND', 'ACTIVE', 'DEAD-LETTER', 'SCHEDULED', 'TRANSFER-DLQ', 'SIZE', 'STATUS', 'SESSIONS', 'MAX-DELIVERY', 'LOCK'],
    rows.map((r) => [
      r.entity,
      r.kind,
      n(r.active),
      n(r.deadLetter),
      n(r.scheduled),
      n(r.transferDeadLetter),
      r.sizeBytes === null ? '-' : bytes(r.sizeBytes),
      r.status ?? '-',
      r.requiresSession === null ? '-' : r.requiresSession ? 'yes' : 'no',
      n(r.maxDeliveryCount),
      r.lockDuration ?? '-',
    ]),
  );
}

function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}
