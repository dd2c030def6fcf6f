import {
  entityPath,
  resolveQueueConnection,
  type DeletingReceiver,
  type EntityRef,
  type QueueMessage,
  type QueuePort,
} from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { InterruptedError, isSwitchyardError } from '../../core/errors.js';
import { HOLD_LIMIT, purgeAll, purgeMatching } from './purge-loop.js';
import { matcher, type Filters } from './resubmit-filter.js';
import { DEFAULT_IDLE_TIMEOUT_MS } from './run-drain.js';
import { sessionIdleMs, visitWith } from './session-visit.js';
import { plural, portFor, rate } from './shared.js';

export interface PurgeInput extends Filters {
  entity: EntityRef;
  /** Only messages enqueued longer ago than this. */
  olderThanMs?: number;
  /** Delete at most this many. */
  max?: number;
  /** Only this session of a session-enabled entity (without it, every session is visited). */
  session?: string;
  idleTimeoutMs?: number;
  dryRun?: boolean;
  yes?: boolean;
  batchSize?: number;
  port?: QueuePort;
  /** For --older-than (tests). */
  now?: () => number;
}

/** The --json document of DESIGN.md. */
export interface PurgeResult {
  purged: number;
  skipped: number;
  dryRun: boolean;
}

const NO_COPY = 'no copy is kept (run `switchyard queue drain` first to archive them)';

/**
 * `queue purge`: deletes messages and keeps no copy. Without filters, receive-and-delete in batches; with filters,
 * peek-lock: what matches is completed, the rest abandoned untouched. Never runs without --yes or a confirmation.
 */
export async function runPurge(ctx: Context, input: PurgeInput): Promise<PurgeResult> {
  const path = entityPath(input.entity);
  const match = predicate(input);
  if (!input.port) resolveQueueConnection(ctx.config);
  if (input.dryRun) return dryRun(ctx, input, match);
  const what = `${input.max ? `up to ${plural(input.max, 'message')}` : match ? 'the matching messages' : 'every message'} of ${path}`;
  await ctx.prompt.confirm(`Purge ${what}? They are deleted and ${NO_COPY}.`, input.yes, 'queue purge', 'nothing was purged');
  const started = Date.now();
  const spinner = ctx.out.spinner(`purging ${path}`);
  let sofar = 0;
  const progress = (n: number) => {
    sofar = n;
    spinner.text(`purged ${plural(n, 'message')} (${rate(n, Date.now() - started)})`);
  };
  const loop = { max: input.max, idleTimeoutMs: input.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, batchSize: input.batchSize, signal: ctx.signal, onProgress: progress };
  let result = { purged: 0, skipped: 0, stoppedAtHoldLimit: false };
  let failure: unknown;
  let port: QueuePort | undefined;
  let owned = false;
  try {
    ({ port, owned } = await portFor(ctx, input.port));
    result = await purgeVisits(ctx, port, input, match, loop);
  } catch (error) {
    failure = error;
    // What the batches before the failure deleted is gone: count it.
    result.purged = Math.max(result.purged, sofar);
  } finally {
    spinner.stop();
    if (owned) await port?.close();
  }
  const elapsed = Date.now() - started;
  const kept = result.skipped ? `; ${plural(result.skipped, 'message')} did not match and stay in ${path}` : '';
  if (result.purged || !failure) ctx.out.info(`purged ${plural(result.purged, 'message')} from ${path} in ${(elapsed / 1000).toFixed(1)}s (${rate(result.purged, elapsed)})${kept}`);
  if (result.stoppedAtHoldLimit) ctx.out.warn(`stopped scanning after ${plural(HOLD_LIMIT, 'non-matching message')}; run again with narrower filters`);
  const interrupted = ctx.signal.aborted || (isSwitchyardError(failure) && failure.exitCode === 130);
  if (interrupted) throw new InterruptedError(`interrupted: purged ${plural(result.purged, 'message')} before stopping`);
  if (failure) throw failure;
  return finish(ctx, { purged: result.purged, skipped: result.skipped, dryRun: false });
}

type Loop = Parameters<typeof purgeAll>[1];

/**
 * The purge itself, over the entity or, for a session-enabled one, session by session as drain visits them: the
 * next available session until none is left when everything goes (each is emptied), by name from peeking when
 * filters leave messages behind (those sessions would come straight back). --session: that one only.
 */
async function purgeVisits(
  ctx: Context,
  port: QueuePort,
  input: PurgeInput,
  match: ((m: QueueMessage) => boolean) | undefined,
  loop: Loop,
): Promise<{ purged: number; skipped: number; stoppedAtHoldLimit: boolean }> {
  const result = { purged: 0, skipped: 0, stoppedAtHoldLimit: false };
  const max = input.max ?? Number.POSITIVE_INFINITY;
  const more = () => result.purged < max && !ctx.signal.aborted && !result.stoppedAtHoldLimit;
  const inSession = (sessionId: string | undefined): Loop => {
    const left = { ...loop, max: max - result.purged, onProgress: (n: number) => loop.onProgress?.(result.purged + n) };
    return sessionId === undefined ? left : { ...left, idleTimeoutMs: sessionIdleMs(loop.idleTimeoutMs) };
  };
  const options = {
    session: input.session,
    more,
    sessionIds: match ? () => sessionsWithMessages(port, input.entity, ctx.signal) : undefined,
    onBusy: (id: string) => ctx.out.warn(`session ${id} is locked by another receiver: not purged`),
  };
  if (match) {
    const openers = { plain: () => port.openReceiver(input.entity), session: (id?: string) => port.acceptSession(input.entity, id) };
    await visitWith(openers, input.entity, options, async (receiver, sessionId) => {
      const r = await purgeMatching(receiver, match, inSession(sessionId));
      result.purged += r.purged;
      result.skipped += r.skipped;
      result.stoppedAtHoldLimit ||= r.stoppedAtHoldLimit;
      return r.purged;
    });
    return result;
  }
  // Two links, so that one's round trip hides the other's (a remote namespace is latency-bound); a session has one.
  const openers = {
    plain: async () => links([await port.openDeletingReceiver(input.entity), await port.openDeletingReceiver(input.entity)]),
    session: async (id?: string) => {
      const r = await port.acceptDeletingSession(input.entity, id);
      return r && { ...links([r]), sessionId: r.sessionId };
    },
  };
  await visitWith(openers, input.entity, options, async ({ receivers }, sessionId) => {
    const n = await purgeAll(receivers, inSession(sessionId));
    result.purged += n;
    return n;
  });
  return result;
}

function links(receivers: DeletingReceiver[]): { receivers: DeletingReceiver[]; close(): Promise<void> } {
  return { receivers, close: async () => void (await Promise.all(receivers.map((r) => r.close()))) };
}

/** The sessions that have messages, from peeking (it locks nothing). */
async function sessionsWithMessages(port: QueuePort, entity: EntityRef, signal: AbortSignal): Promise<string[]> {
  const ids = new Set<string>();
  for await (const page of port.peek(entity, { count: HOLD_LIMIT, signal })) for (const m of page) if (m.sessionId !== null) ids.add(m.sessionId);
  return [...ids];
}

function finish(ctx: Context, result: PurgeResult): PurgeResult {
  if (ctx.out.json) ctx.out.jsonLine(result);
  return result;
}

/** The filters as one predicate (resubmit's --reason/--where, plus --older-than); undefined when there are none. */
function predicate(input: PurgeInput): ((m: QueueMessage) => boolean) | undefined {
  const filtered = input.reason !== undefined || (input.where?.length ?? 0) > 0 || input.olderThanMs !== undefined;
  if (!filtered) return undefined;
  const base = matcher(input);
  if (input.olderThanMs === undefined) return base;
  const cutoff = (input.now ?? Date.now)() - input.olderThanMs;
  return (m) => base(m) && m.enqueuedTimeUtc !== null && Date.parse(m.enqueuedTimeUtc) < cutoff;
}

/** --dry-run: peeks and counts what would go, changes nothing. */
async function dryRun(ctx: Context, input: PurgeInput, match: ((m: QueueMessage) => boolean) | undefined): Promise<PurgeResult> {
  const path = entityPath(input.entity);
  const max = input.max ?? Number.POSITIVE_INFINITY;
  let would = 0;
  let skipped = 0;
  let seen = 0;
  const { port, owned } = await portFor(ctx, input.port);
  try {
    for await (const page of port.peek(input.entity, { count: HOLD_LIMIT, signal: ctx.signal })) {
      for (const m of page) {
        if (input.session !== undefined && m.sessionId !== input.session) continue;
        seen += 1;
        if ((!match || match(m)) && would < max) would += 1;
        else skipped += 1;
      }
    }
  } finally {
    if (owned) await port.close();
  }
  const more = seen >= HOLD_LIMIT ? ` (stopped counting at ${plural(HOLD_LIMIT, 'message')})` : '';
  ctx.out.info(`dry run: would purge ${plural(would, 'message')} from ${path}; ${skipped} would stay${more}; nothing was changed`);
  return finish(ctx, { purged: would, skipped, dryRun: true });
}
