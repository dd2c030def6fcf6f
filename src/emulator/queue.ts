import type { QueueSettings } from './config.js';
import type { LockToken } from './lock-token.js';
import { readSessionId, storedMessage, withApplicationProperties, type StoredMessage } from './message.js';
import { LOCK_LOST, type Outcome, type QueueConsumer, type QueueEnv, type SettleError } from './queue-types.js';
import { ReadyQueue, SequenceIndex } from './seq-structures.js';
import { SessionTable, type Session } from './sessions.js';

/**
 * One queue of messages: a queue, a subscription, or either one's dead-letter sub-queue. Holds messages by
 * sequence number, hands them to competing consumers in order, and keeps the peek-locks.
 */
export class MessageQueue {
  readonly messages = new Map<number, StoredMessage>();
  readonly locks = new Map<string, StoredMessage>();
  readonly scheduled = new Set<StoredMessage>();
  private readonly index = new SequenceIndex();
  private readonly ready = new ReadyQueue();
  private readyCount = 0;
  private consumers: QueueConsumer[] = [];
  private turn = 0;
  private pumping = false;
  /** Set on a session-enabled queue: its messages are ready per session, and only session receivers take them. */
  readonly sessions?: SessionTable;

  constructor(
    readonly path: string,
    readonly settings: QueueSettings,
    private readonly env: QueueEnv,
    readonly deadLetter?: MessageQueue,
  ) {
    if (settings.requiresSession) this.sessions = new SessionTable();
  }

  /** Stores a message (already numbered) and offers it to the consumers. */
  add(msg: StoredMessage, journal = true): void {
    if (this.sessions) {
      msg.sessionId ??= readSessionId(msg.bare) ?? '';
      this.sessions.of(msg.sessionId).messages += 1;
    }
    this.messages.set(msg.seq, msg);
    this.index.add(msg.seq);
    if (msg.state === 'scheduled') this.scheduled.add(msg);
    else if (msg.state === 'active') this.makeReady(msg);
    if (journal) this.env.journal.put(this, msg);
    this.pump();
  }

  attach(consumer: QueueConsumer): void {
    this.consumers.push(consumer);
  }

  detach(consumer: QueueConsumer): void {
    this.consumers = this.consumers.filter((c) => c !== consumer);
    if (consumer.session && consumer.holder) this.sessions?.unlock(consumer.session, consumer.holder);
  }

  /** Extends a session's lock, and with it the locks of the session's messages. */
  renewSession(session: Session, now: number): void {
    session.lockedUntil = now + this.settings.lockDurationMs;
    for (const msg of this.locks.values()) if (msg.sessionId === session.id) msg.lock!.until = session.lockedUntil;
  }

  setSessionState(session: Session, state: Buffer | undefined): void {
    session.state = state;
    this.env.journal.sessionState(this, session.id, state);
    this.sessions!.forgetIfEmpty(session);
  }

  /** Replaying the data log: a session's state as last set. */
  restoreSessionState(id: string, state: Buffer | undefined): void {
    if (!this.sessions) return;
    const session = this.sessions.of(id);
    session.state = state;
    this.sessions.forgetIfEmpty(session);
  }

  /** The session a stored message belongs to (session-enabled queues only). */
  sessionOf(msg: StoredMessage): Session | undefined {
    return this.sessions?.get(msg.sessionId ?? '');
  }

  /** Sequence numbers from `from` upwards that are still held, in order. */
  *fromSequence(from: number): Generator<StoredMessage> {
    for (const seq of this.index.from(from)) {
      const msg = this.messages.get(seq);
      if (msg) yield msg;
    }
  }

  /** Gives ready messages to consumers with capacity, round-robin, until one side runs out. */
  pump(): void {
    if (this.pumping || this.readyCount === 0 || this.consumers.length === 0) return;
    this.pumping = true;
    try {
      const now = Date.now();
      if (this.sessions) return this.pumpSessions(now);
      while (this.readyCount > 0) {
        const consumer = this.nextConsumer();
        if (!consumer) break;
        const msg = this.popReady(now);
        if (!msg) break;
        this.handOver(msg, consumer, now);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Each session receiver gets its own session's messages, in order. */
  private pumpSessions(now: number): void {
    for (const consumer of this.consumers) {
      const session = consumer.session;
      if (!session) continue;
      while (session.readyCount > 0 && consumer.capacity() > 0) {
        const msg = this.popReady(now, session.ready);
        if (!msg) break;
        this.handOver(msg, consumer, now);
      }
    }
  }

  private nextConsumer(): QueueConsumer | undefined {
    const n = this.consumers.length;
    for (let i = 0; i < n; i++) {
      const c = this.consumers[(this.turn + i) % n]!;
      if (c.capacity() > 0) {
        this.turn = (this.turn + i + 1) % n;
        return c;
      }
    }
    return undefined;
  }

  private popReady(now: number, from = this.ready): StoredMessage | undefined {
    for (;;) {
      const seq = from.shift();
      if (seq === undefined) return undefined;
      const msg = this.messages.get(seq);
      if (!msg || !msg.ready) continue;
      this.unready(msg);
      if (msg.state !== 'active' || msg.lock) continue;
      if (msg.expiresAt <= now) {
        this.expire(msg);
        continue;
      }
      return msg;
    }
  }

  private handOver(msg: StoredMessage, consumer: QueueConsumer, now: number): void {
    const deliveryCount = msg.deliveries;
    msg.deliveries += 1;
    const token = this.env.tokens.next();
    if (consumer.peekLock) {
      // A session message's lock is the session's lock.
      const until = this.lock(msg, token, consumer, now, consumer.session?.lockedUntil);
      consumer.deliver(msg, deliveryCount, token, until);
    } else {
      this.remove(msg);
      consumer.deliver(msg, deliveryCount, token, undefined);
    }
  }

  /** Locks a message for a holder (a consumer, or undefined for $management) and returns the lock's expiry. */
  lock(msg: StoredMessage, token: LockToken, holder: object | undefined, now: number, until = now + this.settings.lockDurationMs): number {
    msg.lock = { key: token.key, until, holder };
    this.locks.set(token.key, msg);
    return until;
  }

  private makeReady(msg: StoredMessage): void {
    if (msg.ready) return;
    msg.ready = true;
    this.readyCount += 1;
    const session = this.sessionOf(msg);
    if (session) {
      session.readyCount += 1;
      session.ready.push(msg.seq);
    } else {
      this.ready.push(msg.seq);
    }
  }

  private unready(msg: StoredMessage): void {
    msg.ready = false;
    this.readyCount -= 1;
    const session = this.sessionOf(msg);
    if (session) session.readyCount -= 1;
  }

  /** Takes a message out of the queue for good. */
  remove(msg: StoredMessage): void {
    if (this.messages.get(msg.seq) !== msg) return;
    this.messages.delete(msg.seq);
    this.index.removed((seq) => this.messages.has(seq));
    if (msg.lock) this.locks.delete(msg.lock.key);
    msg.lock = undefined;
    if (msg.ready) this.unready(msg);
    this.scheduled.delete(msg);
    this.env.journal.remove(this, msg.seq);
    const session = this.sessionOf(msg);
    if (session) {
      session.messages -= 1;
      this.sessions!.forgetIfEmpty(session);
    }
  }

  /** The locked message for a lock key, if the lock is still valid (an expired one is released first). */
  locked(key: string, now = Date.now()): StoredMessage | undefined {
    const msg = this.locks.get(key);
    if (!msg) return undefined;
    if (msg.lock!.until <= now) {
      this.release(msg);
      return undefined;
    }
    return msg;
  }

  /** Settles a locked message; an invalid or expired lock is refused with lock-lost. */
  settle(msg: StoredMessage, key: string, outcome: Outcome, now = Date.now()): SettleError | undefined {
    if (msg.lock?.key !== key || this.messages.get(msg.seq) !== msg) return LOCK_LOST;
    if (msg.lock.until <= now) {
      this.release(msg);
      return LOCK_LOST;
    }
    this.locks.delete(key);
    msg.lock = undefined;
    switch (outcome.kind) {
      case 'complete':
        this.remove(msg);
        break;
      case 'abandon':
        this.modify(msg, outcome.properties);
        this.giveBack(msg);
        break;
      case 'defer':
        this.modify(msg, outcome.properties);
        msg.state = 'deferred';
        this.env.journal.update(this, msg);
        break;
      case 'deadLetter':
        this.moveToDeadLetter(msg, outcome.reason, outcome.description, outcome.properties);
        break;
    }
    this.pump();
    return undefined;
  }

  /** A lock ended without a settlement (expired, or its receiver went away). */
  release(msg: StoredMessage): void {
    if (!msg.lock) return;
    this.locks.delete(msg.lock.key);
    msg.lock = undefined;
    this.giveBack(msg);
    this.pump();
  }

  private giveBack(msg: StoredMessage): void {
    if (msg.state === 'deferred') {
      this.env.journal.update(this, msg);
    } else if (this.deadLetter && msg.deliveries >= this.settings.maxDeliveryCount) {
      this.moveToDeadLetter(
        msg,
        'MaxDeliveryCountExceeded',
        `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      );
    } else {
      this.makeReady(msg);
      this.env.journal.update(this, msg);
    }
  }

  private modify(msg: StoredMessage, properties: Record<string, unknown> | undefined): void {
    if (!properties || Object.keys(properties).length === 0) return;
    msg.bare = withApplicationProperties(msg.bare, properties);
    this.env.journal.put(this, msg);
  }

  /** Moves a message to this queue's dead-letter sub-queue with its reason (a DLQ keeps its own messages). */
  moveToDeadLetter(msg: StoredMessage, reason?: string, description?: string, properties?: Record<string, unknown>): void {
    const updates: Record<string, unknown> = { ...properties };
    if (typeof reason === 'string') updates.DeadLetterReason = reason;
    if (typeof description === 'string') updates.DeadLetterErrorDescription = description;
    if (!this.deadLetter) {
      this.modify(msg, updates);
      this.giveBack(msg);
      return;
    }
    this.remove(msg);
    // Messages in a dead-letter queue never expire (Service Bus does not apply TTL there).
    this.deadLetter.add(
      storedMessage({ ...msg, bare: withApplicationProperties(msg.bare, updates), state: 'active', expiresAt: Number.POSITIVE_INFINITY }),
    );
  }

  /** A message whose time to live passed: dropped, or dead-lettered when the entity says so. */
  expire(msg: StoredMessage): void {
    if (this.settings.deadLetterOnExpiration && this.deadLetter) {
      this.moveToDeadLetter(msg, 'TTLExpiredException', 'The message expired and was dead lettered.');
    } else {
      this.remove(msg);
    }
  }

  /** Ends expired locks and brings due scheduled messages in; called by the broker's timer. */
  tick(now: number): void {
    // Expired sessions first: their receivers go before the messages they held are offered again.
    this.sessions?.expireDue(now);
    for (const msg of this.locks.values()) if (msg.lock!.until <= now) this.release(msg);
    for (const msg of this.scheduled) {
      if ((msg.scheduledAt ?? 0) > now) continue;
      this.scheduled.delete(msg);
      msg.state = 'active';
      msg.enqueuedAt = now;
      this.makeReady(msg);
    }
    this.pump();
  }

  /** Releases every lock a consumer still holds (its link or connection went away). */
  releaseHeldBy(holder: object, held: Iterable<StoredMessage>): void {
    for (const msg of held) if (msg.lock?.holder === holder && this.messages.get(msg.seq) === msg) this.release(msg);
  }

  /** Message counts the way Service Bus reports them (active includes locked messages). */
  counts(): { active: number; locked: number; deferred: number; scheduled: number; total: number } {
    let active = 0;
    let deferred = 0;
    let scheduled = 0;
    for (const msg of this.messages.values()) {
      if (msg.state === 'active') active += 1;
      else if (msg.state === 'deferred') deferred += 1;
      else scheduled += 1;
    }
    return { active, locked: this.locks.size, deferred, scheduled, total: this.messages.size };
  }
}
