import { open, unlink, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import {
  entityFileStem,
  entityPath,
  resolveQueueConnection,
  type EntityRef,
  type LockedReceiver,
  type QueuePort,
} from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { checkOutputPath } from '../../core/output-path.js';
import { InterruptedError, UsageError, isSwitchyardError } from '../../core/errors.js';
import { drainLoop, fileWriter } from './drain-loop.js';
import { LINKS } from './receive-ahead.js';
import { sessionIdleMs, visitWith } from './session-visit.js';
import { closeReceivers, fileTimestamp, openReceivers, plural, portFor, rate } from './shared.js';

export interface DrainInput {
  entity: EntityRef;
  /** Output file; default `<entity>-<timestamp>.ndjson` in the working directory. */
  out?: string;
  /** Stop after this many messages; default all. */
  max?: number;
  /** Stop when no message arrives for this long; default 3 s (a session is left after at most 1 s without one). */
  idleTimeoutMs?: number;
  /** Only this session of a session-enabled entity (without it, every session is visited). */
  session?: string;
  dryRun?: boolean;
  yes?: boolean;
  /** Messages per receive; by default it grows from 100 to 500 while batches come back full. */
  batchSize?: number;
  port?: QueuePort;
  /** For file names (tests). */
  now?: () => Date;
}

export interface DrainResult {
  drained: number;
  /** Null when nothing was written (empty queue, dry run). */
  file: string | null;
  /** Written to the file but not completed (lock lost): also still in the queue. */
  notCompleted: number;
  dryRun: boolean;
  /** Sessions visited (0 for an entity without sessions). */
  sessions: number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 3_000;

/**
 * `queue drain`: receive in peek-lock batches, append each batch to the NDJSON file, fsync, and only then
 * complete it. Killed at any moment, every message is in the file or still in the queue (or both).
 */
export async function runDrain(ctx: Context, input: DrainInput): Promise<DrainResult> {
  const path = entityPath(input.entity);
  if (!input.port) resolveQueueConnection(ctx.config);
  if (input.dryRun) return dryRun(ctx, input);
  const file = checkOutputPath(resolveOut(ctx, input), '--out', { kind: 'file', mustNotExist: true, cwd: ctx.rt.cwd });
  await ctx.prompt.confirm(
    `Drain ${input.max ? `up to ${plural(input.max, 'message')}` : 'every message'} from ${path} into ${file}? They are removed from the queue once written.`,
    input.yes,
    'queue drain',
    'nothing was drained',
  );
  let handle: FileHandle;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`${file} already exists`, { hint: 'drain never overwrites a file; pass another --out' });
    }
    throw new UsageError(`cannot create ${file}: ${(error as Error).message}`, { hint: 'pass --out with a writable path' });
  }
  const state = { drained: 0, notCompleted: 0, sessions: 0 };
  let failure: unknown;
  const started = Date.now();
  const spinner = ctx.out.spinner(`draining ${path}`);
  let port: QueuePort | undefined;
  let owned = false;
  try {
    ({ port, owned } = await portFor(ctx, input.port));
    const progress = (n: number) => spinner.text(`drained ${plural(n, 'message')} (${rate(n, Date.now() - started)})`);
    const max = input.max ?? Number.POSITIVE_INFINITY;
    const idleTimeoutMs = input.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const write = fileWriter(handle);
    const entity = input.entity;
    const open = port;
    // Several links on a plain entity, received on in turn; a session has one link, so its order is kept.
    const openers = {
      plain: async () => links(await openReceivers(open, entity, LINKS)),
      session: async (id?: string) => {
        const r = await open.acceptSession(entity, id);
        return r && { ...links([r]), sessionId: r.sessionId };
      },
    };
    // A session-enabled entity is drained one session at a time, so the file keeps each session's order.
    const more = () => state.drained < max && !ctx.signal.aborted;
    state.sessions = await visitWith(openers, entity, { session: input.session, more }, async ({ receivers }, sessionId) => {
      const before = state.drained;
      const options = {
        max: max - before,
        idleTimeoutMs: sessionId === undefined ? idleTimeoutMs : sessionIdleMs(idleTimeoutMs),
        batchSize: input.batchSize,
      };
      // Each visit counts on its own (drainLoop sets what it could not complete), then adds to the whole.
      const visit = { drained: 0, notCompleted: 0 };
      try {
        await drainLoop(ctx, receivers, options, write, visit, (n) => progress(before + n));
      } finally {
        state.drained += visit.drained;
        state.notCompleted += visit.notCompleted;
      }
      return visit.drained;
    });
  } catch (error) {
    failure = error;
  } finally {
    spinner.stop();
    await handle.close();
    if (owned) await port?.close();
  }
  const elapsed = Date.now() - started;
  if (state.drained === 0) await unlink(file).catch(() => {});
  const interrupted = ctx.signal.aborted || (isSwitchyardError(failure) && failure.exitCode === 130);
  summarize(ctx, path, file, state, elapsed, failure !== undefined || interrupted);
  if (interrupted) throw new InterruptedError(`interrupted: drained ${plural(state.drained, 'message')} before stopping`);
  if (failure) throw failure;
  return { drained: state.drained, file: state.drained ? file : null, notCompleted: state.notCompleted, dryRun: false, sessions: state.sessions };
}

function links(receivers: LockedReceiver[]): { receivers: LockedReceiver[]; close(): Promise<void> } {
  return { receivers, close: () => closeReceivers(receivers) };
}

function resolveOut(ctx: Context, input: DrainInput): string {
  const name = input.out ?? `${entityFileStem(input.entity)}-${fileTimestamp((input.now ?? (() => new Date()))())}.ndjson`;
  return isAbsolute(name) ? name : join(ctx.rt.cwd, name);
}

function summarize(
  ctx: Context,
  path: string,
  file: string,
  state: { drained: number; notCompleted: number; sessions: number },
  elapsedMs: number,
  failed: boolean,
): void {
  if (state.drained === 0) {
    if (!failed) ctx.out.info(`${path} is empty: nothing drained, no file written`);
    return;
  }
  const sessions = state.sessions > 0 ? ` (${plural(state.sessions, 'session')})` : '';
  ctx.out.info(`drained ${plural(state.drained, 'message')} from ${path}${sessions} into ${file} in ${(elapsedMs / 1000).toFixed(1)}s (${rate(state.drained, elapsedMs)})`);
  if (state.notCompleted > 0) {
    ctx.out.warn(
      `${plural(state.notCompleted, 'message')} written to the file could not be completed (lock lost); ` +
        'they are also still in the queue (same messageId)',
    );
  }
}

/** --dry-run: peeks what a drain would take, changes nothing, writes no file. */
async function dryRun(ctx: Context, input: DrainInput): Promise<DrainResult> {
  const path = entityPath(input.entity);
  const count = input.max ?? 10_000;
  const { port, owned } = await portFor(ctx, input.port);
  let seen = 0;
  let first: string | null = null;
  let last: string | null = null;
  try {
    for await (const page of port.peek(input.entity, { count, signal: ctx.signal })) {
      for (const m of page) {
        if (input.session !== undefined && m.sessionId !== input.session) continue;
        seen += 1;
        first ??= m.enqueuedTimeUtc;
        last = m.enqueuedTimeUtc ?? last;
        if (ctx.out.json) ctx.out.jsonLine(m);
      }
    }
  } finally {
    if (owned) await port.close();
  }
  if (seen === 0) ctx.out.info(`dry run: ${path} is empty; nothing would be drained`);
  else {
    const more = seen >= count && input.max === undefined ? ` (stopped counting at ${plural(count, 'message')}; pass --max to look further)` : '';
    ctx.out.info(`dry run: would drain ${plural(seen, 'message')} from ${path}, enqueued ${first ?? '?'} to ${last ?? '?'}${more}; nothing was changed`);
  }
  return { drained: 0, file: null, notCompleted: 0, dryRun: true, sessions: 0 };
}
