import { parseDurationMs, type QueueConfig, type QueueSettings } from './config.js';
import type { QueueEntity, Subscription, TopicEntity } from './entities.js';
import { countDetails, description, fields, isoDuration, leafText } from './atom-xml.js';
import type { MessageQueue } from './queue.js';
import type { AdminView } from './namespace.js';

/** A management request the emulator cannot do; `status` is the HTTP status Service Bus would answer with. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** When an entity was created or changed, as the API reports it (entities from the config: when first seen). */
export class EntityTimes {
  private readonly times = new WeakMap<object, { created: Date; updated: Date }>();
  constructor(private readonly started = new Date()) {}
  of(entity: object): { created: Date; updated: Date } {
    let t = this.times.get(entity);
    if (!t) this.times.set(entity, (t = { created: this.started, updated: this.started }));
    return t;
  }
  created(entity: object): void {
    const now = new Date();
    this.times.set(entity, { created: now, updated: now });
  }
}

const sizeOf = (queues: MessageQueue[]): number => {
  let bytes = 0;
  for (const q of queues) for (const m of q.messages.values()) bytes += m.bare.length;
  return bytes;
};

function counts(main: MessageQueue, deadLetter: MessageQueue) {
  const c = main.counts();
  return { active: c.active, deadLetter: deadLetter.messages.size, scheduled: c.scheduled, transfer: 0, transferDeadLetter: 0, total: c.total };
}

function common(s: QueueSettings): Array<[string, string | number | boolean | undefined]> {
  return [
    ['LockDuration', isoDuration(s.lockDurationMs)],
    ['RequiresSession', s.requiresSession],
    ['DefaultMessageTimeToLive', isoDuration(s.defaultTtlMs)],
    ['DeadLetteringOnMessageExpiration', s.deadLetterOnExpiration],
  ];
}

function stamps(t: { created: Date; updated: Date }): Array<[string, string]> {
  return [['CreatedAt', t.created.toISOString()], ['UpdatedAt', t.updated.toISOString()], ['AccessedAt', t.updated.toISOString()]];
}

export function queueDescription(q: QueueEntity, t: { created: Date; updated: Date }): string {
  const s = q.settings;
  const c = counts(q.main, q.deadLetter);
  const [lock, session, ttl, dlOnExpiry] = common(s);
  return description(
    'QueueDescription',
    fields([lock!, ['MaxSizeInMegabytes', 1024], ['RequiresDuplicateDetection', s.requiresDuplicateDetection], session!, ttl!, dlOnExpiry!,
      ['DuplicateDetectionHistoryTimeWindow', isoDuration(s.duplicateWindowMs)], ['MaxDeliveryCount', s.maxDeliveryCount],
      ['EnableBatchedOperations', true], ['SizeInBytes', sizeOf([q.main, q.deadLetter])], ['MessageCount', c.total + c.deadLetter],
      ['IsAnonymousAccessible', false], ['Status', 'Active'], ...stamps(t), ['SupportOrdering', true]]) +
      countDetails(c) +
      fields([['AutoDeleteOnIdle', isoDuration(undefined)], ['EnablePartitioning', false], ['EntityAvailabilityStatus', 'Available'],
        ['EnableExpress', false]]),
  );
}

export function topicDescription(topic: TopicEntity, t: { created: Date; updated: Date }): string {
  const s = topic.settings;
  const subs = [...topic.subscriptions.values()];
  const scheduled = subs.reduce((n, sub) => n + sub.queue.scheduled.size, 0);
  return description(
    'TopicDescription',
    fields([['DefaultMessageTimeToLive', isoDuration(s.defaultTtlMs)], ['MaxSizeInMegabytes', 1024],
      ['RequiresDuplicateDetection', s.requiresDuplicateDetection], ['DuplicateDetectionHistoryTimeWindow', isoDuration(s.duplicateWindowMs)],
      ['EnableBatchedOperations', true], ['SizeInBytes', sizeOf(subs.flatMap((sub) => [sub.queue, sub.deadLetter]))],
      ['FilteringMessagesBeforePublishing', false], ['IsAnonymousAccessible', false], ['Status', 'Active'], ...stamps(t),
      ['SupportOrdering', true]]) +
      countDetails({ active: 0, deadLetter: 0, scheduled, transfer: 0, transferDeadLetter: 0 }) +
      fields([['AutoDeleteOnIdle', isoDuration(undefined)], ['EnablePartitioning', false], ['SubscriptionCount', subs.length],
        ['EntityAvailabilityStatus', 'Available'], ['EnableExpress', false]]),
  );
}

export function subscriptionDescription(sub: Subscription, t: { created: Date; updated: Date }): string {
  const s = sub.queue.settings;
  const c = counts(sub.queue, sub.deadLetter);
  const [lock, session, ttl, dlOnExpiry] = common(s);
  return description(
    'SubscriptionDescription',
    fields([lock!, session!, ttl!, dlOnExpiry!, ['DeadLetteringOnFilterEvaluationExceptions', true],
      ['MessageCount', c.total + c.deadLetter], ['MaxDeliveryCount', s.maxDeliveryCount], ['EnableBatchedOperations', true],
      ['Status', 'Active'], ...stamps(t)]) +
      countDetails(c) +
      fields([['AutoDeleteOnIdle', isoDuration(undefined)], ['EntityAvailabilityStatus', 'Available']]),
  );
}

/** The settings a created entity asks for, read from its description; what the emulator cannot honour is refused. */
export function declaredSettings(xml: string, name: string): QueueConfig {
  const fail = (path: string, what: string): never => {
    throw new AdminError(400, `${path} ${what}`);
  };
  const bool = (field: string) => {
    const v = leafText(xml, field);
    return v === undefined || v === '' ? undefined : v.toLowerCase() === 'true';
  };
  const duration = (field: string) => {
    const v = leafText(xml, field);
    return v === undefined || v === '' ? undefined : parseDurationMs(v, field, fail);
  };
  const maxDelivery = leafText(xml, 'MaxDeliveryCount');
  const decl: QueueConfig = {
    name,
    lockDuration: duration('LockDuration'),
    maxDeliveryCount: maxDelivery ? Number(maxDelivery) : undefined,
    defaultMessageTimeToLive: duration('DefaultMessageTimeToLive'),
    deadLetteringOnMessageExpiration: bool('DeadLetteringOnMessageExpiration'),
    requiresDuplicateDetection: bool('RequiresDuplicateDetection'),
    duplicateDetectionHistoryTimeWindow: duration('DuplicateDetectionHistoryTimeWindow'),
  };
  if (decl.maxDeliveryCount !== undefined && !(Number.isInteger(decl.maxDeliveryCount) && decl.maxDeliveryCount >= 1)) {
    fail('MaxDeliveryCount', 'must be a whole number of at least 1');
  }
  if (bool('RequiresSession')) decl.requiresSession = true;
  for (const key of Object.keys(decl) as (keyof typeof decl)[]) if (decl[key] === undefined) delete decl[key];
  return decl;
}

/** Creates a queue, topic or subscription; 409 when it exists, 404 when a subscription's topic does not. */
export function createEntity(view: AdminView, path: { name: string; subscription?: string }, kind: string, xml: string): object {
  const key = path.name.toLowerCase();
  const decl = declaredSettings(xml, path.subscription ?? path.name);
  if (path.subscription !== undefined) {
    const topic = view.topics.get(key);
    if (!topic) throw new AdminError(404, `The messaging entity '${path.name}' could not be found.`);
    if (topic.subscriptions.has(path.subscription.toLowerCase())) throw new AdminError(409, `The messaging entity '${path.name}/Subscriptions/${path.subscription}' already exists.`);
    const settings = view.settings({ defaultMessageTimeToLive: topic.settings.defaultTtlMs, ...decl });
    return topic.addSubscription(path.subscription, settings, []);
  }
  if (view.queues.has(key) || view.topics.has(key)) throw new AdminError(409, `The messaging entity '${path.name}' already exists.`);
  if (kind === 'TopicDescription') return view.addTopic(path.name, decl);
  if (kind === 'QueueDescription') return view.addQueue(path.name, decl);
  throw new AdminError(400, `expected a QueueDescription, TopicDescription or SubscriptionDescription, got ${kind || 'none'}`);
}

/** Deletes an entity with its messages (taken out of the data log too); false when there is none. */
export function deleteEntity(view: AdminView, path: { name: string; subscription?: string }): boolean {
  const key = path.name.toLowerCase();
  const empty = (queues: MessageQueue[]) => {
    for (const q of queues) for (const m of [...q.messages.values()]) q.remove(m);
  };
  if (path.subscription !== undefined) {
    const topic = view.topics.get(key);
    const sub = topic?.subscriptions.get(path.subscription.toLowerCase());
    if (!topic || !sub) return false;
    empty([sub.queue, sub.deadLetter]);
    topic.subscriptions.delete(path.subscription.toLowerCase());
    return true;
  }
  const queue = view.queues.get(key);
  if (queue) {
    empty([queue.main, queue.deadLetter]);
    view.queues.delete(key);
    return true;
  }
  const topic = view.topics.get(key);
  if (!topic) return false;
  for (const sub of topic.subscriptions.values()) empty([sub.queue, sub.deadLetter]);
  view.topics.delete(key);
  return true;
}
