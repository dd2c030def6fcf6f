import type { Journal } from './journal.js';
import type { LockToken, LockTokens } from './lock-token.js';
import type { StoredMessage } from './message.js';
import type { Session, SessionHolder } from './sessions.js';

/** A receiver link as a queue sees it. */
export interface QueueConsumer {
  /** How many more messages it can take right now (link credit not yet used, room in the session). */
  capacity(): number;
  /** Hands one message over; for peek-lock it is already locked with `token`. */
  deliver(msg: StoredMessage, deliveryCount: number, token: LockToken, lockedUntil: number | undefined): void;
  readonly peekLock: boolean;
  /** A session receiver: the session it holds (it takes only that session's messages), and as whom. */
  readonly session?: Session;
  readonly holder?: SessionHolder;
}

/** How a receiver settles a locked message. */
export type Outcome =
  | { kind: 'complete' }
  | { kind: 'abandon'; properties?: Record<string, unknown> }
  | { kind: 'defer'; properties?: Record<string, unknown> }
  | { kind: 'deadLetter'; reason?: string; description?: string; properties?: Record<string, unknown> };

/** Why a settlement was refused, as an AMQP error. */
export interface SettleError {
  condition: string;
  description: string;
}

export interface QueueEnv {
  journal: Journal;
  tokens: LockTokens;
}

export const LOCK_LOST: SettleError = {
  condition: 'com.microsoft:message-lock-lost',
  description:
    'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
};
