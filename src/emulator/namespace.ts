import { settingsFor, type EmulatorConfig, type QueueConfig, type QueueSettings } from './config.js';
import { QueueEntity, TopicEntity, type SendTarget } from './entities.js';
import type { MessageQueue } from './queue.js';
import type { QueueEnv } from './queue-types.js';

/** An AMQP error for a link that cannot be attached. */
export interface EntityError {
  condition: string;
  description: string;
}

export interface Defaults {
  lockDurationMs: number;
  maxDeliveryCount: number;
}

/** What an address names: an entity, possibly a subscription, possibly the dead-letter sub-queue. */
interface ParsedAddress {
  name: string;
  subscription?: string;
  deadLetter: boolean;
}

/** The entity path of a link address: `queue`, `amqps://host/queue`, `/topic/Subscriptions/s/$DeadLetterQueue`. */
export function entityPath(address: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/?(.*)$/i.exec(address.trim());
  return (url ? url[1]! : address.trim()).replace(/^\/+|\/+$/g, '');
}

function parse(path: string): ParsedAddress {
  let rest = path;
  const deadLetter = /\/\$deadletterqueue$/i.test(rest);
  if (deadLetter) rest = rest.slice(0, -'/$DeadLetterQueue'.length);
  const sub = /^(.+)\/subscriptions\/([^/]+)$/i.exec(rest);
  if (sub) return { name: sub[1]!, subscription: sub[2]!, deadLetter };
  return { name: rest, deadLetter };
}

export function notFound(path: string): EntityError {
  return {
    condition: 'amqp:not-found',
    description: `The messaging entity '${path}' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.`,
  };
}

/**
 * Every entity the emulator serves, looked up case-insensitively. Declared by the config; without one, a queue
 * is created when first used and a topic when a receiver first names one of its subscriptions.
 */
export class Namespace {
  private readonly queues = new Map<string, QueueEntity>();
  private readonly topics = new Map<string, TopicEntity>();
  private readonly strict: boolean;

  constructor(
    config: EmulatorConfig | undefined,
    private readonly defaults: Defaults,
    private readonly env: QueueEnv,
  ) {
    this.strict = config !== undefined;
    for (const q of config?.queues ?? []) this.addQueue(q.name, q);
    for (const t of config?.topics ?? []) {
      const topic = this.addTopic(t.name, t);
      for (const s of t.subscriptions ?? []) {
        const inherited: Partial<QueueConfig> = { defaultMessageTimeToLive: t.defaultMessageTimeToLive };
        const filters = [...(s.filter ? [s.filter] : []), ...(s.rules ?? []).map((r) => r.filter)];
        topic.addSubscription(s.name, settingsFor(s, defaults, inherited), filters);
      }
    }
  }

  private addQueue(name: string, decl?: QueueConfig): QueueEntity {
    const q = new QueueEntity(name, settingsFor(decl, this.defaults), this.env);
    this.queues.set(name.toLowerCase(), q);
    return q;
  }

  private addTopic(name: string, decl?: Partial<QueueConfig>): TopicEntity {
    const t = new TopicEntity(name, settingsFor(decl, this.defaults), this.env);
    this.topics.set(name.toLowerCase(), t);
    return t;
  }

  /** The queue a receiver (or $management) reads from. */
  source(address: string): MessageQueue | EntityError {
    const path = entityPath(address);
    const p = parse(path);
    const key = p.name.toLowerCase();
    if (p.subscription === undefined) {
      if (this.topics.has(key)) {
        const dlq = p.deadLetter ? '/$DeadLetterQueue' : '';
        return { condition: 'amqp:not-allowed', description: `'${p.name}' is a topic; receive from one of its subscriptions (${p.name}/Subscriptions/<name>${dlq}).` };
      }
      const q = this.queues.get(key) ?? (this.strict ? undefined : this.addQueue(p.name));
      if (!q) return notFound(path);
      return p.deadLetter ? q.deadLetter : q.main;
    }
    let topic = this.topics.get(key);
    if (!topic && !this.strict && !this.queues.has(key)) topic = this.addTopic(p.name);
    if (!topic) return notFound(path);
    let sub = topic.subscriptions.get(p.subscription.toLowerCase());
    if (!sub && !this.strict) sub = topic.addSubscription(p.subscription, settingsFor(undefined, this.defaults), []);
    if (!sub) return notFound(path);
    return p.deadLetter ? sub.deadLetter : sub.queue;
  }

  /** The queue or topic a sender writes to. */
  target(address: string): SendTarget | EntityError {
    const path = entityPath(address);
    const p = parse(path);
    if (p.deadLetter || p.subscription !== undefined) {
      return { condition: 'amqp:not-allowed', description: `Cannot send to '${path}': send to the queue or topic itself.` };
    }
    const key = p.name.toLowerCase();
    const found = this.topics.get(key) ?? this.queues.get(key) ?? (this.strict ? undefined : this.addQueue(p.name));
    return found ?? notFound(path);
  }

  /** For $management: the queue it reads, and the entity it schedules to (a topic has only the latter). */
  management(address: string): { queue?: MessageQueue; target?: SendTarget } | EntityError {
    const path = entityPath(address);
    const topic = this.topics.get(parse(path).name.toLowerCase());
    if (topic && parse(path).subscription === undefined && !parse(path).deadLetter) return { target: topic };
    const queue = this.source(path);
    if ('condition' in queue) return queue;
    const p = parse(path);
    const target = p.subscription === undefined && !p.deadLetter ? this.queues.get(p.name.toLowerCase()) : undefined;
    return { queue, target };
  }

  /** Every queue and sub-queue (for the lock and schedule timer). */
  *allQueues(): Generator<MessageQueue> {
    for (const q of this.queues.values()) yield* [q.main, q.deadLetter];
    for (const t of this.topics.values()) for (const s of t.subscriptions.values()) yield* [s.queue, s.deadLetter];
  }

  /** The sequence counter that numbers messages of the entity owning `queue` (for replay). */
  counterFor(path: string): { seen(seq: number): void } | undefined {
    const p = parse(entityPath(path));
    return (this.topics.get(p.name.toLowerCase()) ?? this.queues.get(p.name.toLowerCase()))?.sequence;
  }

  /** Counts for an entity path (queue, or topic/Subscriptions/name), with its dead-letter count. */
  counts(name: string): EntityCounts | undefined {
    const source = this.peekSource(name);
    if (!source) return undefined;
    return { ...source.counts(), deadLetter: source.deadLetter?.messages.size ?? 0 };
  }

  /** The entity maps, for the HTTP management API (admin-http.ts): it lists, creates and deletes without AMQP. */
  adminView(): AdminView {
    return {
      queues: this.queues,
      topics: this.topics,
      addQueue: (name, decl) => this.addQueue(name, decl),
      addTopic: (name, decl) => this.addTopic(name, decl),
      settings: (decl) => settingsFor(decl, this.defaults),
    };
  }

  private peekSource(name: string): MessageQueue | undefined {
    const p = parse(entityPath(name));
    const key = p.name.toLowerCase();
    if (p.subscription === undefined) {
      const q = this.queues.get(key);
      return p.deadLetter ? q?.deadLetter : q?.main;
    }
    const sub = this.topics.get(key)?.subscriptions.get(p.subscription.toLowerCase());
    return p.deadLetter ? sub?.deadLetter : sub?.queue;
  }
}

/** What the HTTP management API reaches of a Namespace; maps are keyed by lower-case name. */
export interface AdminView {
  queues: Map<string, QueueEntity>;
  topics: Map<string, TopicEntity>;
  addQueue(name: string, decl: QueueConfig): QueueEntity;
  addTopic(name: string, decl: Partial<QueueConfig>): TopicEntity;
  settings(decl: Partial<QueueConfig>): QueueSettings;
}

/** Message counts of one queue or subscription. */
export interface EntityCounts {
  active: number;
  locked: number;
  deferred: number;
  scheduled: number;
  total: number;
  deadLetter: number;
}
