import { SessionsRequiredError, type EntityRef, type LockedReceiver, type QueuePort } from '../../adapters/queue/index.js';
import { UsageError, isSwitchyardError } from '../../core/errors.js';

export interface VisitOptions {
  /** Only this session (the entity must require sessions). */
  session?: string;
  /** False once the command has what it wants (its --max, an interrupt): no further session is accepted. */
  more: () => boolean;
  /** Told each session as it is accepted (progress, logs). */
  onSession?: (sessionId: string) => void;
  /**
   * Visit these sessions by name instead of asking for the next available one: for a tour that leaves messages
   * behind (a filtered purge), whose sessions would otherwise come straight back. A session another receiver
   * holds is skipped and reported to onBusy.
   */
  sessionIds?: () => Promise<string[]>;
  onBusy?: (sessionId: string) => void;
}

/**
 * Runs `work` over an entity's messages, the way drain and purge need it. A plain receiver first; when the
 * entity requires sessions (Service Bus refuses the plain receiver before it hands out anything) or `session`
 * names one, `work` runs on each session in turn: the named one, or else the next available session with messages
 * until none is left. Each session is held only while `work` runs on it, so its messages stay in order.
 * `work` returns how many messages it took; a session found empty twice (or a few empty visits in all) ends the
 * tour, so a session that keeps coming back without messages for us cannot make it spin. Returns the sessions
 * visited.
 */
export function visitEntity(
  port: QueuePort,
  entity: EntityRef,
  options: VisitOptions,
  work: (receiver: LockedReceiver, sessionId: string | undefined) => Promise<number>,
): Promise<number> {
  const openers = { plain: () => port.openReceiver(entity), session: (id?: string) => port.acceptSession(entity, id) };
  return visitWith(openers, entity, options, work);
}

/** How visitWith gets its receivers: a plain one, and a session's (undefined when no session is free). */
export interface Openers<R extends { close(): Promise<void> }> {
  plain(): Promise<R>;
  session(sessionId?: string): Promise<(R & { readonly sessionId: string }) | undefined>;
}

/** visitEntity for any kind of receiver (peek-lock, or receive-and-delete for purge). */
export async function visitWith<R extends { close(): Promise<void> }>(
  openers: Openers<R>,
  entity: EntityRef,
  options: VisitOptions,
  work: (receiver: R, sessionId: string | undefined) => Promise<number>,
): Promise<number> {
  if (options.session !== undefined && entity.dlq) {
    throw new UsageError('--session does not go with --dlq', { hint: 'a dead-letter queue has no sessions; its messages keep their sessionId' });
  }
  if (options.session === undefined) {
    const receiver = await openers.plain();
    try {
      await work(receiver, undefined);
      return 0;
    } catch (error) {
      if (!(error instanceof SessionsRequiredError)) throw error;
    } finally {
      await receiver.close();
    }
  }
  if (options.session === undefined && options.sessionIds) return visitByName(openers, await options.sessionIds(), options, work);
  let visited = 0;
  const cameBackEmpty = new Set<string>();
  while (options.more()) {
    const receiver = await openers.session(options.session);
    if (!receiver) break;
    visited += 1;
    const id = receiver.sessionId;
    options.onSession?.(id);
    let took: number;
    try {
      took = await work(receiver, id);
    } finally {
      await receiver.close();
    }
    if (options.session !== undefined) break;
    // A visit can find nothing (its messages expired meanwhile); the same session empty twice ends the tour.
    if (took === 0) {
      if (cameBackEmpty.has(id) || cameBackEmpty.size >= 3) break;
      cameBackEmpty.add(id);
    }
  }
  return visited;
}

async function visitByName<R extends { close(): Promise<void> }>(
  openers: Openers<R>,
  ids: string[],
  options: VisitOptions,
  work: (receiver: R, sessionId: string | undefined) => Promise<number>,
): Promise<number> {
  let visited = 0;
  for (const id of ids) {
    if (!options.more()) break;
    let receiver: R | undefined;
    try {
      receiver = await openers.session(id);
    } catch (error) {
      if (!isSwitchyardError(error) || !/locked by another receiver/.test(error.message)) throw error;
      options.onBusy?.(id);
      continue;
    }
    if (!receiver) continue;
    visited += 1;
    options.onSession?.(id);
    try {
      await work(receiver, id);
    } finally {
      await receiver.close();
    }
  }
  return visited;
}

/** How long a session visit waits for more: its messages are already there when it is accepted. */
export function sessionIdleMs(idleTimeoutMs: number): number {
  return Math.min(idleTimeoutMs, 1_000);
}
