import { ReadyQueue } from './seq-structures.js';

/** A receiver link that holds a session lock. */
export interface SessionHolder {
  /** The session lock expired: the link must go (Service Bus detaches it with session-lock-lost). */
  sessionLockLost(): void;
}

/** One session of a session-enabled queue: its ready messages in order, its lock and its state. */
export interface Session {
  readonly id: string;
  readonly ready: ReadyQueue;
  /** Entries of `ready` still valid (the structure keeps stale ones until they are shifted out). */
  readyCount: number;
  /** Messages of this session held by the queue, in any state. */
  messages: number;
  holder?: SessionHolder;
  lockedUntil: number;
  /** What set-session-state stored; undefined when none. */
  state?: Buffer;
}

export const SESSION_LOCK_LOST = {
  condition: 'com.microsoft:session-lock-lost',
  description: 'The session lock has expired on the MessageSession. Accept a new MessageSession.',
};

/**
 * The sessions of one session-enabled queue. A session exists while it has messages, a holder or a state; one
 * receiver at a time holds it, for the entity's lock duration unless renewed.
 */
export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  /** How many sessions are locked (the broker's timer checks for expiry only when some are). */
  held = 0;

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  of(id: string): Session {
    let s = this.sessions.get(id);
    if (!s) {
      s = { id, ready: new ReadyQueue(), readyCount: 0, messages: 0, lockedUntil: 0 };
      this.sessions.set(id, s);
    }
    return s;
  }

  /** The first session (in order of arrival) with messages ready and no valid lock on it. */
  nextAvailable(now: number): Session | undefined {
    for (const s of this.sessions.values()) {
      if (s.readyCount > 0 && !this.isLocked(s, now)) return s;
    }
    return undefined;
  }

  isLocked(s: Session, now: number): boolean {
    if (!s.holder) return false;
    if (s.lockedUntil > now) return true;
    this.expire(s);
    return false;
  }

  /** Locks a session for a holder; false when someone else holds a valid lock on it. */
  tryLock(s: Session, holder: SessionHolder, now: number, durationMs: number): boolean {
    if (s.holder !== holder && this.isLocked(s, now)) return false;
    if (!s.holder) this.held += 1;
    s.holder = holder;
    s.lockedUntil = now + durationMs;
    return true;
  }

  /** Ends a holder's lock (its link went away). */
  unlock(s: Session, holder: SessionHolder): void {
    if (s.holder !== holder) return;
    s.holder = undefined;
    this.held -= 1;
    this.forgetIfEmpty(s);
  }

  /** Locks that ran out: their holders are told, then the sessions are free. */
  expireDue(now: number): void {
    if (this.held === 0) return;
    for (const s of this.sessions.values()) if (s.holder && s.lockedUntil <= now) this.expire(s);
  }

  private expire(s: Session): void {
    const holder = s.holder!;
    s.holder = undefined;
    this.held -= 1;
    holder.sessionLockLost();
    this.forgetIfEmpty(s);
  }

  forgetIfEmpty(s: Session): void {
    if (s.messages === 0 && !s.holder && s.state === undefined) this.sessions.delete(s.id);
  }

  *withMessages(): Generator<Session> {
    for (const s of this.sessions.values()) if (s.messages > 0) yield s;
  }

  /** Sessions with a stored state (for compacting the data log). */
  *withState(): Generator<Session> {
    for (const s of this.sessions.values()) if (s.state !== undefined) yield s;
  }
}
