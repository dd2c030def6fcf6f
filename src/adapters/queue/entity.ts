import { UsageError } from '../../core/errors.js';
import type { EntityRef } from './queue.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;
const SHAPES = 'a queue name, or topic/subscriptions/name';

/**
 * Parses an `<entity>` argument: `orders`, `events/subscriptions/billing` ("subscriptions" in any case), and the
 * paths Azure tools print, with a trailing `/$DeadLetterQueue` meaning the same as --dlq.
 */
export function parseEntity(text: string, dlq = false): EntityRef {
  let parts = text.trim().replace(/^\/+|\/+$/g, '').split('/');
  let deadLetter = dlq;
  if (parts.length > 1 && parts[parts.length - 1]!.toLowerCase() === '$deadletterqueue') {
    deadLetter = true;
    parts = parts.slice(0, -1);
  }
  const bad = (why: string) => new UsageError(`invalid entity "${text}": ${why}`, { hint: `write ${SHAPES}` });
  for (const part of parts) {
    if (!NAME.test(part)) throw bad(part ? `"${part}" is not a valid name` : 'empty name');
  }
  if (parts.length === 1) return { name: parts[0]!, dlq: deadLetter };
  if (parts.length === 3 && parts[1]!.toLowerCase() === 'subscriptions') {
    return { name: parts[0]!, subscription: parts[2]!, dlq: deadLetter };
  }
  throw bad('unexpected path');
}

/** A send target: a queue or a topic, never a subscription or a dead-letter queue. */
export function parseTarget(text: string, flag = '<queue|topic>'): string {
  const entity = parseEntity(text);
  if (entity.subscription || entity.dlq) {
    throw new UsageError(`cannot send to "${text}"`, {
      hint: `${flag} must name a queue or a topic; messages sent to a topic reach its subscriptions`,
    });
  }
  return entity.name;
}

/** The entity as users write it, e.g. `events/subscriptions/billing` plus `/$DeadLetterQueue` for its DLQ. */
export function entityPath(entity: EntityRef, dlq = entity.dlq): string {
  const base = entity.subscription ? `${entity.name}/subscriptions/${entity.subscription}` : entity.name;
  return dlq ? `${base}/$DeadLetterQueue` : base;
}

/** A file-name-safe stem: `events-subscriptions-billing-dlq`. */
export function entityFileStem(entity: EntityRef): string {
  const base = entity.subscription ? `${entity.name}-subscriptions-${entity.subscription}` : entity.name;
  return (entity.dlq ? `${base}-dlq` : base).replace(/[^A-Za-z0-9._-]/g, '_');
}
