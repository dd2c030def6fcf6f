import rhea from 'rhea';
import type { SendTarget } from './entities.js';
import { lockKey, type LockTokens } from './lock-token.js';
import { parseTransfer, renderMessage, type StoredMessage } from './message.js';
import type { MessageQueue } from './queue.js';
import { LOCK_LOST, type Outcome } from './queue-types.js';
import { handleSessionOperation } from './session-management.js';
import { SESSION_LOCK_LOST } from './sessions.js';

/** What $management answers: a status code (2xx is success), and on failure an AMQP error condition. */
export interface ManagementResponse {
  status: number;
  description?: string;
  condition?: string;
  body?: unknown;
}

/** The entity a $management link was opened for. */
export interface ManagementEntity {
  queue?: MessageQueue;
  target?: SendTarget;
}

type Body = Record<string, unknown>;

const NOT_FOUND = 'com.microsoft:message-not-found';

const ok = (body?: unknown): ManagementResponse => ({ status: 200, description: 'OK', body });
const fail = (status: number, condition: string, description: string): ManagementResponse => ({ status, condition, description });

/**
 * The Service Bus request/response operations the SDK uses (peek, renew-lock, update-disposition,
 * schedule/cancel, receive deferred messages). Sessions and rule management are not implemented.
 */
export function handleManagement(
  operation: unknown,
  body: Body,
  entity: ManagementEntity,
  tokens: LockTokens,
  now = Date.now(),
): ManagementResponse {
  const { queue, target } = entity;
  switch (operation) {
    case 'com.microsoft:peek-message':
      return queue ? peek(queue, body) : notSupported('peek on a topic');
    case 'com.microsoft:renew-lock':
      return queue ? renewLocks(queue, body, now) : notSupported('renew-lock on a topic');
    case 'com.microsoft:update-disposition':
      return queue ? updateDisposition(queue, body, now) : notSupported('update-disposition on a topic');
    case 'com.microsoft:receive-by-sequence-number':
      return queue ? receiveDeferred(queue, body, tokens, now) : notSupported('receive on a topic');
    case 'com.microsoft:schedule-message':
      return target ? schedule(target, body, now) : notSupported('schedule on a subscription or dead-letter queue');
    case 'com.microsoft:cancel-scheduled-message':
      if (!target) return notSupported('cancel-scheduled on a subscription');
      return target.cancelScheduled(sequenceNumbers(body['sequence-numbers']))
        ? ok()
        : fail(404, NOT_FOUND, 'One or more of the scheduled messages were not found.');
    default:
      return (
        handleSessionOperation(operation, body, queue, now) ??
        fail(501, 'amqp:not-implemented', `The switchyard emulator does not implement the operation '${String(operation)}'.`)
      );
  }
}

function notSupported(what: string): ManagementResponse {
  return fail(400, 'amqp:not-allowed', `Not allowed: ${what}.`);
}

function peek(queue: MessageQueue, body: Body): ManagementResponse {
  const from = toNumber(body['from-sequence-number']) ?? 0;
  const count = Math.max(1, toNumber(body['message-count']) ?? 1);
  const session = sessionIdOf(body);
  const messages: Array<{ message: Buffer }> = [];
  for (const msg of queue.fromSequence(from)) {
    if (session !== undefined && msg.sessionId !== session) continue;
    messages.push({ message: renderMessage(msg, { deliveryCount: msg.deliveries, lockedUntil: msg.lock?.until }) });
    if (messages.length >= count) break;
  }
  if (messages.length === 0) return { status: 204, description: 'No Content' };
  return ok({ messages });
}

function lockedMessages(queue: MessageQueue, body: Body, now: number): Array<[StoredMessage, string]> | undefined {
  const found: Array<[StoredMessage, string]> = [];
  for (const token of asArray(body['lock-tokens'])) {
    if (!Buffer.isBuffer(token)) return undefined;
    const key = lockKey(token);
    const msg = queue.locked(key, now);
    if (!msg) return undefined;
    found.push([msg, key]);
  }
  return found;
}

function renewLocks(queue: MessageQueue, body: Body, now: number): ManagementResponse {
  const found = lockedMessages(queue, body, now);
  if (!found) return fail(410, LOCK_LOST.condition, LOCK_LOST.description);
  const expirations = found.map(([msg]) => {
    msg.lock!.until = now + queue.settings.lockDurationMs;
    return msg.lock!.until;
  });
  // An AMQP array of timestamps, not a list: the Java SDK reads it as Date[] and the .NET one as DateTime[].
  return ok({ expirations: rhea.types.wrap_array(expirations, 0x83, undefined) });
}

function updateDisposition(queue: MessageQueue, body: Body, now: number): ManagementResponse {
  const found = lockedMessages(queue, body, now);
  if (!found) return fail(410, LOCK_LOST.condition, LOCK_LOST.description);
  const properties = (body['properties-to-modify'] ?? undefined) as Record<string, unknown> | undefined;
  let outcome: Outcome;
  switch (body['disposition-status']) {
    case 'completed':
      outcome = { kind: 'complete' };
      break;
    case 'abandoned':
      outcome = { kind: 'abandon', properties };
      break;
    case 'defered':
    case 'deferred':
      outcome = { kind: 'defer', properties };
      break;
    case 'suspended':
      outcome = {
        kind: 'deadLetter',
        reason: body['deadletter-reason'] as string | undefined,
        description: body['deadletter-description'] as string | undefined,
        properties,
      };
      break;
    default:
      return fail(400, 'amqp:invalid-field', `Unknown disposition-status '${String(body['disposition-status'])}'.`);
  }
  for (const [msg, key] of found) {
    const error = queue.settle(msg, key, outcome, now);
    if (error) return fail(410, error.condition, error.description);
  }
  return ok();
}

function receiveDeferred(queue: MessageQueue, body: Body, tokens: LockTokens, now: number): ManagementResponse {
  const seqs = sequenceNumbers(body['sequence-numbers']);
  const session = sessionIdOf(body);
  // A session receiver gets only its own session's deferred messages, locked as long as the session is.
  const sessionLock = session === undefined ? undefined : queue.sessions?.get(session);
  if (session !== undefined && queue.sessions && !(sessionLock && queue.sessions.isLocked(sessionLock, now))) {
    return fail(410, SESSION_LOCK_LOST.condition, SESSION_LOCK_LOST.description);
  }
  const msgs = seqs.map((seq) => queue.messages.get(seq));
  if (msgs.some((m) => !m || m.state !== 'deferred' || m.lock || (session !== undefined && m.sessionId !== session))) {
    return fail(404, NOT_FOUND, 'Failed to lock one or more specified messages. Either the message is not deferred or it is already locked.');
  }
  const peekLock = toNumber(body['receiver-settle-mode']) !== 0;
  const messages = (msgs as StoredMessage[]).map((msg) => {
    const deliveryCount = msg.deliveries;
    msg.deliveries += 1;
    const token = tokens.next();
    if (!peekLock) {
      queue.remove(msg);
      return { message: renderMessage(msg, { deliveryCount }), 'lock-token': rhea.types.wrap_uuid(token.guid) };
    }
    const until = queue.lock(msg, token, undefined, now, sessionLock?.lockedUntil);
    const message = renderMessage(msg, { deliveryCount, lockedUntil: until, lockToken: token.guid });
    return { message, 'lock-token': rhea.types.wrap_uuid(token.guid) };
  });
  return ok({ messages });
}

function schedule(target: SendTarget, body: Body, now: number): ManagementResponse {
  const seqs: number[] = [];
  for (const entry of asArray(body.messages)) {
    const encoded = (entry as Body | undefined)?.message;
    if (!Buffer.isBuffer(encoded)) return fail(400, 'amqp:invalid-field', 'Each scheduled message needs a "message" binary.');
    const messages = parseTransfer(encoded, 0);
    const refused = target.refuses(messages);
    if (refused) return fail(400, refused.condition, refused.description);
    seqs.push(...target.send(messages, now));
  }
  return ok({ 'sequence-numbers': rhea.types.wrap_array(seqs, 0x81, undefined) });
}

function sessionIdOf(body: Body): string | undefined {
  const id = body['session-id'];
  return typeof id === 'string' ? id : undefined;
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function sequenceNumbers(value: unknown): number[] {
  return asArray(value)
    .map(toNumber)
    .filter((n): n is number => n !== undefined);
}

/** A long as rhea decodes it: a number, or an 8-byte buffer when it does not fit a double exactly. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE(0));
  return undefined;
}
