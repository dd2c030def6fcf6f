import type { ManagementResponse } from './management.js';
import type { MessageQueue } from './queue.js';
import { SESSION_LOCK_LOST, type Session } from './sessions.js';

type Body = Record<string, unknown>;

const ok = (body?: unknown): ManagementResponse => ({ status: 200, description: 'OK', body });

/**
 * The session operations of $management (renew-session-lock, get/set-session-state, get-message-sessions);
 * undefined for any other operation. State and renewal need the session locked, as on Service Bus.
 */
export function handleSessionOperation(operation: unknown, body: Body, queue: MessageQueue | undefined, now: number): ManagementResponse | undefined {
  switch (operation) {
    case 'com.microsoft:renew-session-lock':
      return withLockedSession(queue, body, now, (session) => {
        queue!.renewSession(session, now);
        return ok({ expiration: new Date(session.lockedUntil) });
      });
    case 'com.microsoft:get-session-state':
      return withLockedSession(queue, body, now, (session) => ok({ 'session-state': session.state ?? null }));
    case 'com.microsoft:set-session-state':
      return withLockedSession(queue, body, now, (session) => {
        const state = body['session-state'];
        if (state !== null && state !== undefined && !Buffer.isBuffer(state)) {
          return { status: 400, condition: 'amqp:invalid-field', description: 'session-state must be binary or null.' };
        }
        queue!.setSessionState(session, state ?? undefined);
        return ok();
      });
    case 'com.microsoft:get-message-sessions':
      return messageSessions(queue, body);
    default:
      return undefined;
  }
}

function withLockedSession(
  queue: MessageQueue | undefined,
  body: Body,
  now: number,
  action: (session: Session) => ManagementResponse,
): ManagementResponse {
  const id = body['session-id'];
  if (!queue?.sessions) {
    return { status: 400, condition: 'amqp:not-allowed', description: 'Session operations need an entity that requires sessions.' };
  }
  if (typeof id !== 'string') return { status: 400, condition: 'amqp:invalid-field', description: 'session-id must be a string.' };
  const session = queue.sessions.get(id);
  if (!session || !queue.sessions.isLocked(session, now)) return { status: 410, ...SESSION_LOCK_LOST };
  return action(session);
}

/** Session ids with messages, paged by skip/top (what Service Bus Explorer lists). */
function messageSessions(queue: MessageQueue | undefined, body: Body): ManagementResponse {
  if (!queue?.sessions) {
    return { status: 400, condition: 'amqp:not-allowed', description: 'Session operations need an entity that requires sessions.' };
  }
  const skip = typeof body.skip === 'number' ? body.skip : 0;
  const top = typeof body.top === 'number' ? body.top : Number.MAX_SAFE_INTEGER;
  const ids = [...queue.sessions.withMessages()].map((s) => s.id);
  const page = ids.slice(skip, skip + top);
  if (page.length === 0) return { status: 204, description: 'No Content' };
  return ok({ 'sessions-ids': page, skip: skip + page.length });
}
