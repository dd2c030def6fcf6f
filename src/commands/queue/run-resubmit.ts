import { randomUUID } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { idText, toOutgoing } from '../../adapters/queue/message-codec.js';
import {
  SessionsRequiredError,
  entityPath,
  resolveQueueConnection,
  type EntityRef,
  type LockedMessage,
  type LockedReceiver,
  type OutgoingMessage,
  type QueueMessage,
  type QueuePort,
  type QueueSender,
} from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { checkOutputPath } from '../../core/output-path.js';
import { InterruptedError, UsageError, isSwitchyardError } from '../../core/errors.js';
import { LockKeeper } from './lock-keeper.js';
import { matcher, propertyText, type Filters } from './resubmit-filter.js';
import { DEFAULT_IDLE_TIMEOUT_MS } from './run-drain.js';
import { plural, portFor, settleLimit } from './shared.js';

/** The application property that counts how often a message was resubmitted. */
export const RESUBMIT_COUNT = 'switchyard-resubmit-count';
/** Non-matching dead letters held (locked) at most while scanning; beyond that the scan stops. */
export const HOLD_LIMIT = 20_000;
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

interface RunState {
  resubmitted: number;
  skipped: number;
  duplicates: number;
  /** Dead letters held back because the target requires sessions and they have no sessionId. */
  sessionless: number;
}

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
      const receiver = await port.openReceiver(source);
      try {
        await scan(ctx, input, {
          receiver,
          sender,
          journal,
          target,
          match,
          state,
          newMessageId: input.newMessageId === true,
          sessionId: input.sessionId,
          sessionTarget: false,
          held: [],
          warn: (text) => ctx.out.warn(text),
        });
      } finally {
        await receiver.close();
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

interface ScanDeps {
  receiver: LockedReceiver;
  sender: QueueSender;
  journal?: FileHandle;
  target: string;
  match: (m: QueueMessage) => boolean;
  state: RunState;
  newMessageId: boolean;
  sessionId?: string;
  /** Learnt from the first refusal: the target requires sessions, so a copy without a sessionId cannot go. */
  sessionTarget: boolean;
  /** Dead letters kept locked until the end of the scan, then abandoned untouched. */
  held: LockedMessage[];
  warn: (text: string) => void;
}

async function scan(ctx: Context, input: ResubmitInput, deps: ScanDeps): Promise<void> {
  const { receiver, state, held } = deps;
  const max = input.max ?? Number.POSITIVE_INFINITY;
  const keeper = new LockKeeper(receiver);
  // Dead letters whose copy was accepted but whose completion failed: if they come back, complete, never resend.
  const copied = new Set<string>();
  const spinner = ctx.out.spinner('scanning dead letters');
  try {
    while (state.resubmitted < max && held.length < HOLD_LIMIT && !ctx.signal.aborted) {
      let batch: LockedMessage[];
      try {
        batch = await receiver.receive(input.batchSize ?? 100, {
          maxWaitMs: input.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
          signal: ctx.signal,
        });
      } catch (error) {
        if (ctx.signal.aborted) return;
        throw error;
      }
      if (batch.length === 0) break;
      const chosen: LockedMessage[] = [];
      const again: LockedMessage[] = [];
      for (const m of batch) {
        const seq = m.message.sequenceNumber ?? '';
        if (copied.has(seq)) again.push(m);
        else if (deps.match(m.message) && state.resubmitted + chosen.length < max) chosen.push(m);
        else held.push(m);
      }
      keeper.add(batch);
      await settleLimit(again, 32, (m) => receiver.complete(m));
      keeper.remove(again);
      const sessionless = state.sessionless;
      await resubmitBatch(deps, chosen, copied);
      // Those held back for want of a sessionId stay locked (and renewed) until the end, like non-matching ones.
      keeper.remove(state.sessionless === sessionless ? chosen : chosen.filter((m) => !held.includes(m)));
      spinner.text(`resubmitted ${state.resubmitted}, ${held.length} not matching`);
    }
    if (held.length >= HOLD_LIMIT) {
      ctx.out.warn(`stopped scanning after ${plural(HOLD_LIMIT, 'non-matching dead letter')}; run again with narrower filters or drain the rest`);
    }
  } finally {
    spinner.stop();
    keeper.stop();
    // Untouched: back to the dead-letter queue as they were (the broker raises their delivery count).
    await settleLimit(held, 64, (m) => receiver.abandon(m));
    state.skipped = new Set(held.map((m) => m.message.sequenceNumber)).size;
  }
}

/** Sends the copies; only what the target accepted is journaled and completed. A failure stops the run. */
async function resubmitBatch(deps: ScanDeps, all: LockedMessage[], copied: Set<string>): Promise<void> {
  const chosen = deps.sessionTarget ? withSessionOnly(deps, all) : all;
  if (chosen.length === 0) return;
  const { receiver, sender, journal, target, state, newMessageId } = deps;
  let accepted = 0;
  let failure: unknown;
  try {
    await sender.send(chosen.map((m) => copyOf(m.message, newMessageId, deps.sessionId)), (n) => (accepted = n));
  } catch (error) {
    failure = error;
  }
  // A session-enabled target shows itself by refusing a copy without a sessionId (nothing of that batch was
  // taken): what is left goes again, without the dead letters that have none.
  let retry: LockedMessage[] | undefined;
  if (failure instanceof SessionsRequiredError && !deps.sessionTarget) {
    deps.sessionTarget = true;
    retry = chosen.slice(accepted);
    failure = undefined;
  }
  const done = chosen.slice(0, accepted);
  if (journal && done.length) {
    const at = new Date().toISOString();
    const lines = done.map((m) =>
      JSON.stringify({ sequenceNumber: m.message.sequenceNumber, messageId: idText(m.message.messageId), target, resubmittedAt: at }) + '\n',
    );
    await journal.write(lines.join(''));
    await journal.datasync();
  }
  const completeFailures: LockedMessage[] = [];
  await settleLimit(done, 64, async (m) => {
    try {
      await receiver.complete(m);
    } catch (error) {
      completeFailures.push(m);
      throw error;
    }
  });
  for (const m of completeFailures) copied.add(m.message.sequenceNumber ?? '');
  state.resubmitted += done.length;
  state.duplicates += completeFailures.length;
  if (failure) {
    await settleLimit(chosen.slice(accepted), 64, (m) => receiver.abandon(m));
    throw failure;
  }
  if (retry) await resubmitBatch(deps, retry, copied);
}

/** The dead letters that can go to a session-enabled target; the others are held (left untouched) with a warning. */
function withSessionOnly(deps: ScanDeps, chosen: LockedMessage[]): LockedMessage[] {
  const ok: LockedMessage[] = [];
  for (const m of chosen) {
    if (m.message.sessionId !== null || deps.sessionId !== undefined) {
      ok.push(m);
      continue;
    }
    deps.held.push(m);
    deps.state.sessionless += 1;
    deps.warn(
      `skipped dead letter ${idText(m.message.messageId) || '(without messageId)'} (sequence number ${m.message.sequenceNumber ?? '?'}): ` +
        `it has no sessionId and ${deps.target} requires sessions; pass --session-id <id> to give it one`,
    );
  }
  return ok;
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
