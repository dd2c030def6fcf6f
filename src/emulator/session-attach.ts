import rhea, { type Sender } from 'rhea';
import type { EntityError } from './namespace.js';
import type { MessageQueue } from './queue.js';
import type { Session } from './sessions.js';

/** The source filter a session receiver attaches with: a session id, or null for "the next available". */
export const SESSION_FILTER = 'com.microsoft:session-filter';
const LOCKED_UNTIL = 'com.microsoft:locked-until-utc';

/** .NET ticks (100 ns since 0001-01-01) of the Unix epoch: the SDK reads the session lock expiry in ticks. */
const EPOCH_TICKS = 621_355_968_000_000_000n;

/** An attach the broker answers and then detaches at once; `keepSource` echoes the source without a filter. */
export interface SessionRefusal extends EntityError {
  keepSource: boolean;
}

/** What the attach asks for: undefined without a session filter, null for the next available session, else an id. */
export function requestedSession(link: Sender): string | null | undefined {
  const filter = (link.source as { filter?: Record<string, unknown> } | undefined)?.filter;
  if (!filter || !(SESSION_FILTER in filter)) return undefined;
  const value = filter[SESSION_FILTER];
  return typeof value === 'string' ? value : null;
}

/**
 * Picks the session a receiver gets, or says why not, in Service Bus's terms: a plain receiver on a session
 * entity and a session receiver on a plain one are not allowed; no free session with messages is a timeout (the
 * SDK's ServiceTimeout: Service Bus waits first, the emulator answers at once); a session another receiver holds
 * cannot be locked.
 */
export function chooseSession(queue: MessageQueue, requested: string | null | undefined, now: number): Session | SessionRefusal | undefined {
  const sessions = queue.sessions;
  if (!sessions) {
    if (requested === undefined) return undefined;
    return {
      condition: 'amqp:not-allowed',
      description: `It is not possible for an entity that does not require sessions to create a sessionful message receiver ('${queue.path}' does not require sessions).`,
      keepSource: false,
    };
  }
  if (requested === undefined) {
    return {
      condition: 'amqp:not-allowed',
      description: 'It is not possible for an entity that requires sessions to create a non-sessionful message receiver.',
      keepSource: false,
    };
  }
  if (requested === null) {
    return (
      sessions.nextAvailable(now) ?? {
        condition: 'com.microsoft:timeout',
        description: `No unlocked session with messages is available on '${queue.path}'.`,
        keepSource: true,
      }
    );
  }
  const session = sessions.of(requested);
  if (sessions.isLocked(session, now)) {
    return {
      condition: 'com.microsoft:session-cannot-be-locked',
      description: `The requested session '${requested}' cannot be accepted. It may be locked by another receiver.`,
      keepSource: true,
    };
  }
  return session;
}

/** The attach answer of an accepted session: the filter echoed with the session's id, and its lock expiry. */
export function answerSessionAttach(link: Sender, session: Session): { properties: Record<string, unknown> } {
  link.set_source({ address: link.source?.address, filter: { [SESSION_FILTER]: session.id } } as never);
  return { properties: { [LOCKED_UNTIL]: rhea.types.wrap_long(ticks(session.lockedUntil)) } };
}

/** Epoch milliseconds as .NET ticks, in the 8 bytes of an AMQP long (too large for a double to carry exactly). */
export function ticks(ms: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(BigInt(Math.trunc(ms)) * 10_000n + EPOCH_TICKS);
  return out;
}
