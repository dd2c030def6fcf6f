import { randomUUID } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { idText, toOutgoing } from '../../adapters/queue/message-codec.js';
import {
  entityPath,
  resolveQueueConnection,
  type EntityRef,
  type OutgoingMessage,
  type QueueMessage,
  type QueuePort,
} from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { checkOutputPath } from '../../core/output-path.js';
import { InterruptedError, UsageError, isSwitchyardError } from '../../core/errors.js';
import { matcher, propertyText, type Filters } from './resubmit-filter.js';
import { DEFAULT_IDLE_TIMEOUT_MS } from './run-drain.js';
import { HOLD_LIMIT, scanAndResubmit, type ScanState } from './resubmit-loop.js';
import { LINKS } from './receive-ahead.js';
import { closeReceivers, openReceivers, plural, portFor } from './shared.js';

/** The application property that counts how often a message was resubmitted. */
export const RESUBMIT_COUNT = 'switchyard-resubmit-count';
/** Where a copy made with --new-message-id keeps the dead letter's own messageId. */
export const ORIGINAL_MESSAGE_ID = 'switchyard-original-message-id';

export interface ResubmitInput extends Filters {
  /** Whose dead-letter queue is read. */
  entity: EntityRef;
  /** Target queue or topic; default the entity (the topic, for a subscription). */
  to?: string;
  /** Resubmit at most this many. */
  max?: number;
  dryRun?: boolean;
  yes?: boolean;
  /** Append-only record of each resubmitted sequence number and its target. */
  journal?: string;
  idleTimeoutMs?: number;
  batchSize?: number;
  /** Give each copy a fresh messageId (the original kept in ORIGINAL_MESSAGE_ID), for targets with duplicate detection. */
  newMessageId?: boolean;
  /** The sessionId given to copies of dead letters that have none (a session-enabled target needs one). */
  sessionId?: string;
  port?: QueuePort;
}

/** The --json document of DESIGN.md. */
export interface ResubmitResult {
  resubmitted: number;
  skipped: number;
  target: string;
  dryRun: boolean;
}

type RunState = ScanState;

/**
 * `queue resubmit`: moves matching dead letters back to the entity (or --to). Per batch: send the copies, and
 * only once the target accepted them, journal and complete the dead letters. Non-matching dead letters are held
 * locked while the scan goes on (so they are not seen twice) and abandoned at the end, untouched.
 */
export async function runResubmit(ctx: Context, input: ResubmitInput): Promise<ResubmitResult> {
  const source: EntityRef = { ...input.entity, dlq: true };
  const target = input.to ?? input.entity.name;
  const match = matcher(input);
  if (!input.port) resolveQueueConnection(ctx.config);
  if (input.entity.subscription && input.to === undefined) {
    ctx.out.warn(
      `copies go to topic "${target}": every subscription of it whose rules match receives one, not only "${input.entity.subscription}"; pass --to <queue> to send them elsewhere`,
    );
  }
  if (input.dryRun) return dryRun(ctx, input, source, target, match);
  if (input.journal) checkOutputPath(input.journal, '--journal', { kind: 'file', cwd: ctx.rt.cwd });
  await ctx.prompt.confirm(
    `Resubmit ${input.max ? `up to ${plural(input.max, 'dead letter')}` : 'the matching dead letters'} of ${entityPath(input.entity)} to ${target}?`,
    input.yes,
    'queue resubmit',
    'nothing was resubmitted',
  );
  const journal = input.journal ? await openJournal(ctx, input.journal) : undefined;
  const state: RunState = { resubmitted: 0, skipped: 0, duplicates: 0, sessionless: 0 };
  let failure: unknown;
  let port: QueuePort | undefined;
  let owned = false;
  try {
    ({ port, owned } = await portFor(ctx, input.port));
    // The sender first: a target that does not exist or refuses us fails before any dead letter is touched.
    const sender = await port.openSender(target);
    try {
      const receivers = await openReceivers(port, source, LINKS);
      try {
        const options = { max: input.max ?? Number.POSITIVE_INFINITY, idleTimeoutMs: input.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, batchSize: input.batchSize };
        const copy = (m: QueueMessage) => copyOf(m, input.newMessageId === true, input.sessionId);
        const deps = { receivers, sender, journal, target, match, copy, sessionId: input.sessionId, sessionTarget: false, warn: (text: string) => ctx.out.warn(text) };
        await scanAndResubmit(ctx, options, deps, state);
      } finally {
        await closeReceivers(receivers);
      }
    } finally {
      await sender.close();
    }
  } catch (error) {
    failure = error;
  } finally {
    await journal?.close();
    if (owned) await port?.close();
  }
  const interrupted = ctx.signal.aborted || (isSwitchyardError(failure) && failure.exitCode === 130);
  // A usage mistake found before any dead letter was touched (a topic named as the source) is the error line only.
  const untouched = state.resubmitted === 0 && state.skipped === 0 && isSwitchyardError(failure) && failure.exitCode === 2;
  if (!untouched) summarize(ctx, entityPath(source), target, state, failure !== undefined && !interrupted);
  if (interrupted) throw new InterruptedError(`interrupted: resubmitted ${plural(state.resubmitted, 'dead letter')} before stopping`);
  if (failure) throw failure;
  const result = { resubmitted: state.resubmitted, skipped: state.skipped, target, dryRun: false };
  if (ctx.out.json) ctx.out.jsonLine(result);
  return result;
}

/**
 * The copy: the sender's fields and application properties, no dead-letter fields, the resubmit count + 1. With
 * `newMessageId` the copy gets a fresh id and keeps the original in ORIGINAL_MESSAGE_ID: a target with duplicate
 * detection silently drops a copy whose messageId it saw within its window, and the dead letter would be lost.
 */
export function copyOf(message: QueueMessage, newMessageId = false, sessionId?: string): OutgoingMessage {
  const copy = toOutgoing(message);
  if (copy.sessionId === undefined && sessionId !== undefined) copy.sessionId = sessionId;
  const previous = message.applicationProperties[RESUBMIT_COUNT];
  // A count another client wrote with its own integer type is on disk as {"$int": n}: count on from n.
  const count = previous === undefined ? 0 : Number(propertyText(previous)) || 0;
  copy.applicationProperties = { ...(copy.applicationProperties ?? {}), [RESUBMIT_COUNT]: count + 1 };
  if (newMessageId) {
    copy.applicationProperties[ORIGINAL_MESSAGE_ID] = idText(message.messageId);
    copy.messageId = randomUUID();
  }
  return copy;
}

async function openJournal(ctx: Context, file: string): Promise<FileHandle> {
  const path = isAbsolute(file) ? file : join(ctx.rt.cwd, file);
  try {
    return await open(path, 'a');
  } catch (error) {
    throw new UsageError(`cannot open journal ${file}: ${(error as Error).message}`, { hint: 'pass --journal with a writable path' });
  }
}

function summarize(ctx: Context, source: string, target: string, state: RunState, failed: boolean): void {
  const notMatching = state.skipped - state.sessionless;
  let skipped = notMatching > 0 ? `; ${plural(notMatching, 'dead letter')} did not match and stay in ${source}` : '';
  if (state.sessionless > 0) skipped += `; ${plural(state.sessionless, 'dead letter')} without a sessionId stay in ${source}`;
  ctx.out.info(`resubmitted ${plural(state.resubmitted, 'dead letter')} from ${source} to ${target}${skipped}`);
  if (failed) ctx.out.warn('the run stopped at a failure: every dead letter not reported as resubmitted is still in the dead-letter queue');
  if (state.duplicates) {
    ctx.out.warn(`${plural(state.duplicates, 'dead letter')} could not be completed after their copy was accepted: they are in both places (same messageId)`);
  }
}

async function dryRun(ctx: Context, input: ResubmitInput, source: EntityRef, target: string, match: (m: QueueMessage) => boolean): Promise<ResubmitResult> {
  const max = input.max ?? Number.POSITIVE_INFINITY;
  let would = 0;
  let skipped = 0;
  const { port, owned } = await portFor(ctx, input.port);
  try {
    for await (const page of port.peek(source, { count: HOLD_LIMIT, signal: ctx.signal })) {
      for (const m of page) {
        if (match(m) && would < max) would += 1;
        else skipped += 1;
      }
    }
  } finally {
    if (owned) await port.close();
  }
  ctx.out.info(`dry run: would resubmit ${plural(would, 'dead letter')} from ${entityPath(source)} to ${target}; ${skipped} would stay; nothing was changed`);
  const result = { resubmitted: would, skipped, target, dryRun: true };
  if (ctx.out.json) ctx.out.jsonLine(result);
  return result;
}
