import { encodeBody, fit } from '../../adapters/queue/message-codec.js';
import { entityPath, type EncodedValue, type EntityRef, type QueuePort } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { UsageError, isSwitchyardError } from '../../core/errors.js';
import { plural, portFor } from './shared.js';

export interface SessionsInput {
  entity: EntityRef;
  /** Also read each session's state (accepts each session for a moment). */
  state?: boolean;
  /** At most this many messages are peeked; default 10,000. */
  max?: number;
  port?: QueuePort;
}

/** One line of `queue sessions --json` (DESIGN.md). */
export interface SessionSummary {
  sessionId: string;
  count: number;
  oldest: string | null;
  newest: string | null;
  /** With --state: the state (JSON where it was JSON, else a string or {"$binary"}), null when none. */
  state?: EncodedValue;
}

/**
 * `queue sessions`: the sessions that have messages, from peeking (which locks nothing). With --state, each
 * session is accepted in turn just long enough to read its state, so a consumer may find it busy for that moment.
 */
export async function runSessions(ctx: Context, input: SessionsInput): Promise<SessionSummary[]> {
  if (input.entity.dlq) {
    throw new UsageError('a dead-letter queue has no sessions', { hint: 'its messages keep their sessionId: `queue triage <entity> --by session` groups them' });
  }
  const max = input.max ?? 10_000;
  const path = entityPath(input.entity);
  const sessions = new Map<string, SessionSummary>();
  let peeked = 0;
  const { port, owned } = await portFor(ctx, input.port);
  const spinner = ctx.out.spinner(`reading ${path}`);
  try {
    for await (const page of port.peek(input.entity, { count: max, signal: ctx.signal })) {
      for (const m of page) {
        peeked += 1;
        if (m.sessionId === null) continue;
        let s = sessions.get(m.sessionId);
        if (!s) sessions.set(m.sessionId, (s = { sessionId: m.sessionId, count: 0, oldest: null, newest: null }));
        s.count += 1;
        const at = m.enqueuedTimeUtc;
        if (at && (!s.oldest || at < s.oldest)) s.oldest = at;
        if (at && (!s.newest || at > s.newest)) s.newest = at;
      }
      spinner.text(`read ${plural(peeked, 'message')}, ${plural(sessions.size, 'session')}`);
    }
    if (input.state) await readStates(ctx, port, input.entity, [...sessions.values()], (n) => spinner.text(`read the state of ${plural(n, 'session')}`));
  } finally {
    spinner.stop();
    if (owned) await port.close();
  }
  if (peeked >= max) ctx.out.warn(`stopped after --max ${max} messages; there may be more sessions (raise --max to read them all)`);
  const list = [...sessions.values()].sort((a, b) => (a.oldest ?? '').localeCompare(b.oldest ?? '') || a.sessionId.localeCompare(b.sessionId));
  render(ctx, path, list, input.state === true);
  return list;
}

async function readStates(ctx: Context, port: QueuePort, entity: EntityRef, list: SessionSummary[], progress: (n: number) => void): Promise<void> {
  let read = 0;
  for (const s of list) {
    if (ctx.signal.aborted) return;
    let receiver;
    try {
      receiver = await port.acceptSession(entity, s.sessionId);
    } catch (error) {
      // Busy with a consumer: say so and go on; any other failure stops the command.
      if (!isSwitchyardError(error) || !/locked by another receiver/.test(error.message)) throw error;
      ctx.out.warn(`session ${s.sessionId} is locked by another receiver: its state was not read`);
      continue;
    }
    try {
      const state = await receiver!.getState();
      s.state = state === null || state === undefined ? null : encodeBody(state, 'data').body;
    } finally {
      await receiver!.close();
    }
    progress(++read);
  }
}

function render(ctx: Context, path: string, list: SessionSummary[], withState: boolean): void {
  if (ctx.out.json) {
    for (const s of list) ctx.out.jsonLine(s);
    return;
  }
  if (list.length === 0) {
    ctx.out.info(`${path} has no session with messages`);
    return;
  }
  const day = (iso: string | null) => (iso ? iso.replace(/\.\d+Z$/, 'Z') : '');
  const headers = ['SESSION', 'COUNT', 'OLDEST', 'NEWEST', ...(withState ? ['STATE'] : [])];
  const rows = list.map((s) => [
    s.sessionId,
    String(s.count),
    day(s.oldest),
    day(s.newest),
    ...(withState ? [s.state === undefined ? '(not read)' : fit(JSON.stringify(s.state), 60)] : []),
  ]);
  ctx.out.table(headers, rows);
  ctx.out.info(`${plural(list.length, 'session')} with ${plural(list.reduce((n, s) => n + s.count, 0), 'message')} in ${path}`);
}
