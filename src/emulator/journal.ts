import type { StoredMessage } from './message.js';

/** Names a queue in the journal: its display path, as first declared or used. */
export interface QueueRef {
  readonly path: string;
}

/**
 * Where queues record what happens to their messages. The memory journal forgets; the file journal
 * (persistence.ts) appends to a log that is replayed at start-up.
 */
export interface Journal {
  /** A message was stored in a queue, or replaced there (same sequence number, new bytes or state). */
  put(queue: QueueRef, msg: StoredMessage): void;
  /** A message left a queue. */
  remove(queue: QueueRef, seq: number): void;
  /** Its state or delivery count changed. */
  update(queue: QueueRef, msg: StoredMessage): void;
  /** A session's state was set (undefined: cleared). */
  sessionState(queue: QueueRef, sessionId: string, state: Buffer | undefined): void;
  /** Resolves once everything recorded so far is on disk; undefined when there is nothing to wait for. */
  commit(): Promise<void> | undefined;
  close(): Promise<void>;
}

/** Without --data: nothing survives a restart. */
export const memoryJournal: Journal = {
  put: () => {},
  remove: () => {},
  update: () => {},
  sessionState: () => {},
  commit: () => undefined,
  close: async () => {},
};
