import type { Delivery, Sender } from 'rhea';
import { reorderGuidBytes, type LockToken } from './lock-token.js';
import { renderMessage, type StoredMessage } from './message.js';
import type { MessageQueue } from './queue.js';
import type { Outcome, QueueConsumer } from './queue-types.js';
import { SESSION_LOCK_LOST, type Session, type SessionHolder } from './sessions.js';
import { alwaysAnswerDrain, creditLimit, outcomes, settleOutgoing } from './rhea-internals.js';

interface DeliveryInfo {
  msg: StoredMessage;
  key: string;
}

/** The settled outcome rhea hands over in remote_state. */
interface RemoteOutcome {
  error?: { condition?: string; description?: string; info?: Record<string, unknown> };
  undeliverable_here?: boolean;
  message_annotations?: Record<string, unknown>;
}

const DEAD_LETTER = 'com.microsoft:dead-letter';

/**
 * A client's receiver link on a queue. Tracks link credit itself (rhea spends credit only when it writes a
 * transfer, so right after send() its figure is stale), answers drain requests, and turns the client's
 * dispositions into queue settlements.
 */
export class LinkConsumer implements QueueConsumer, SessionHolder {
  /** Messages it was given under a peek-lock (some may have been settled or released since). */
  readonly held = new Set<StoredMessage>();
  private readonly deliveries = new WeakMap<Delivery, DeliveryInfo>();
  /** Transfers handed to rhea plus credit given back by drains: the part of the credit limit already claimed. */
  private used = 0;
  private closed = false;

  constructor(
    readonly link: Sender,
    readonly queue: MessageQueue,
    readonly peekLock: boolean,
    readonly session?: Session,
  ) {
    alwaysAnswerDrain(
      link,
      () => creditLimit(link) - this.used,
      (n) => (this.used += n),
    );
  }

  get holder(): SessionHolder | undefined {
    return this.session ? this : undefined;
  }

  /** Its session's lock ran out: detach the link the way Service Bus does, and give its messages back. */
  sessionLockLost(): void {
    if (this.closed) return;
    this.link.close(SESSION_LOCK_LOST);
    this.close();
  }

  capacity(): number {
    if (this.closed || !this.link.sendable()) return 0;
    return creditLimit(this.link) - this.used;
  }

  deliver(msg: StoredMessage, deliveryCount: number, token: LockToken, lockedUntil: number | undefined): void {
    const payload = renderMessage(msg, { deliveryCount, lockedUntil, lockToken: this.peekLock ? token.guid : undefined });
    const delivery = this.link.send(payload, reorderGuidBytes(token.guid), 0);
    this.used += 1;
    if (this.peekLock) {
      this.deliveries.set(delivery, { msg, key: token.key });
      this.held.add(msg);
    }
  }

  /** New credit: hand out what is ready. */
  onFlow(): void {
    this.queue.pump();
  }

  /** The client asked to drain: what could be sent was sent in onFlow; give the rest of the credit back. */
  onDrain(): void {
    this.queue.pump();
    this.link.set_drained(true);
  }

  /** The client settled a delivery (accepted, released, modified or rejected). */
  onOutcome(delivery: Delivery, kind: 'accepted' | 'released' | 'modified' | 'rejected'): void {
    const info = this.deliveries.get(delivery);
    if (!info) {
      // Pre-settled (receive-and-delete) deliveries need no answer.
      if (!delivery.settled) settleOutgoing(delivery, outcomes.accepted());
      return;
    }
    this.deliveries.delete(delivery);
    this.held.delete(info.msg);
    const state = (delivery.remote_state ?? {}) as RemoteOutcome;
    const error = this.queue.settle(info.msg, info.key, toOutcome(kind, state));
    settleOutgoing(delivery, error ? outcomes.rejected(error) : outcomeState(kind));
  }

  /** The link, its session or its connection went away: unsettled messages go back to the queue. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.detach(this);
    this.queue.releaseHeldBy(this, this.held);
    this.held.clear();
  }
}

/** The same outcome echoed back without an error: the SDK treats any error in it as a failed settlement. */
function outcomeState(kind: string): unknown {
  switch (kind) {
    case 'released':
      return outcomes.released();
    case 'modified':
      return outcomes.modified();
    case 'rejected':
      return outcomes.rejected();
    default:
      return outcomes.accepted();
  }
}

/** Service Bus semantics of the AMQP outcomes (see the SDK's messageReceiver.settleMessage). */
export function toOutcome(kind: string, state: RemoteOutcome): Outcome {
  if (kind === 'accepted') return { kind: 'complete' };
  if (kind === 'released') return { kind: 'abandon' };
  if (kind === 'modified') {
    const properties = state.message_annotations ?? undefined;
    return state.undeliverable_here ? { kind: 'defer', properties } : { kind: 'abandon', properties };
  }
  const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = state.error?.info ?? {};
  const dead = state.error?.condition === DEAD_LETTER;
  return {
    kind: 'deadLetter',
    reason: stringOrUndefined(DeadLetterReason) ?? (dead ? undefined : state.error?.condition),
    description: stringOrUndefined(DeadLetterErrorDescription) ?? (dead ? undefined : state.error?.description),
    properties: dropNulls(properties),
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function dropNulls(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}
