import type { DeliveryOutcome } from '../adapters/http/deliver.js';
import type { ReceivedEvent } from '../listener/types.js';
import { attemptFromOutcome, type Delivery } from './delivery.js';
import type { Matcher } from './filter.js';
import { LiveDelivery, LiveRing } from './live-ring.js';
import { canVerify, listRecordFiles, loadRecord, recordId, type VerifyWith } from './records.js';

/**
 * What the store tells the event stream: a new delivery, a changed one (a new attempt), or a removed one (its id, or
 * null for all). Two arguments rather than an object: this runs for every request the listener answers.
 */
export type ChangeKind = 'delivery' | 'update' | 'remove';

/**
 * The listener's events, as the inspector observes them: the one interface between the two. `webhooks listen`'s
 * Listener satisfies it as it is; the same event object comes with its forwards.
 */
export interface DeliveryFeed {
  on(name: 'received', fn: (event: ReceivedEvent) => void): unknown;
  on(name: 'forward', fn: (event: ReceivedEvent, outcome: DeliveryOutcome) => void): unknown;
  off(name: 'received', fn: (event: ReceivedEvent) => void): unknown;
  off(name: 'forward', fn: (event: ReceivedEvent, outcome: DeliveryOutcome) => void): unknown;
}

export interface StoreOptions {
  /** Live deliveries kept in memory (older ones drop out; recorded ones stay reachable in the record folder). */
  keep: number;
  recordDir?: string;
  verify: VerifyWith;
  onChange: (kind: ChangeKind, subject: Delivery | string | null) => void;
}

/**
 * The deliveries the inspector can show: the last `keep` live ones in memory, and the record folder read on demand
 * (the last `keep` of those cached, with any replays made from the page).
 */
export class DeliveryStore {
  private readonly live: LiveRing;
  private readonly files = new Map<string, Delivery>();
  private readonly hidden = new Set<string>();
  /** After "delete all", recordings up to this number stay out of the list. */
  private filesAfter = 0;

  constructor(private readonly options: StoreOptions) {
    this.live = new LiveRing(options.keep);
  }

  /** Subscribes to a listener; returns the function that unsubscribes. */
  observe(feed: DeliveryFeed): () => void {
    const received = (event: ReceivedEvent) => this.add(event);
    const forward = (event: ReceivedEvent, outcome: DeliveryOutcome) => {
      const d = this.live.get(event.seq);
      if (d) this.addAttempt(d, outcome, { kind: 'forward', mode: null, resigned: false, sent: null });
    };
    feed.on('received', received);
    feed.on('forward', forward);
    return () => {
      feed.off('received', received);
      feed.off('forward', forward);
    };
  }

  /** Runs for every request the listener answers: a copy of its event (see EventCopy), no serialisation. */
  add(event: ReceivedEvent): void {
    // Without a secret or public key an accepted request is "not checked"; a refused one (405, 413…) still counts as failed.
    const unchecked = !event.verified && !canVerify(this.options.verify) && event.status < 400;
    const d = new LiveDelivery(event.seq, event, unchecked, this.live.bodies);
    this.live.add(d);
    this.options.onChange('delivery', d);
  }

  addAttempt(d: Delivery, outcome: DeliveryOutcome, extra: Parameters<typeof attemptFromOutcome>[2]): void {
    const attempt = attemptFromOutcome(d.attempts.length + 1, outcome, extra);
    if (d instanceof LiveDelivery) d.addAttempt(attempt);
    else d.attempts.push(attempt);
    this.options.onChange('update', d);
  }

  /** A live delivery by arrival number, while it is in memory (the event stream looks them up when it sends). */
  liveDelivery(order: number): Delivery | undefined {
    return this.live.get(order);
  }

  oldestLive(): number {
    return this.live.oldest;
  }

  async get(id: string): Promise<Delivery | null> {
    if (this.hidden.has(id)) return null;
    const d = (/^\d+$/.test(id) ? this.live.get(Number(id)) : undefined) ?? this.files.get(id);
    if (d || !/^r\d+$/.test(id) || !this.options.recordDir) return d ?? null;
    const n = Number(id.slice(1));
    if (n <= this.filesAfter) return null;
    const file = (await listRecordFiles(this.options.recordDir)).find((f) => f.n === n);
    return file ? this.cacheFile(await loadRecord(this.options.recordDir, file, this.options.verify)) : null;
  }

  /** Removes from the inspector's view (and memory); recorded files are never touched. */
  async delete(id: string | null): Promise<void> {
    if (id === null) {
      this.live.clear();
      this.files.clear();
      if (this.options.recordDir) this.filesAfter = (await listRecordFiles(this.options.recordDir))[0]?.n ?? 0;
    } else {
      if (/^\d+$/.test(id)) this.live.delete(Number(id));
      // A recording stays on disk, so the list must keep skipping it; a live one is simply gone.
      else if (this.files.delete(id) || /^r\d+$/.test(id)) this.hidden.add(id);
    }
    this.options.onChange('remove', id);
  }

  /**
   * Newest first: live deliveries, then the record folder's (those not already shown live). `before` is the id of
   * the last row of the previous page.
   */
  async list(match: Matcher, limit: number, before?: string): Promise<{ rows: Delivery[]; next: string | null }> {
    const rows: Delivery[] = [];
    const inFiles = before?.startsWith('r') ?? false;
    if (!inFiles) {
      for (const d of this.live.newestFirst(before === undefined ? Infinity : Number(before))) {
        if (!match(d)) continue;
        if (rows.length === limit) return { rows, next: rows[rows.length - 1]!.id };
        rows.push(d);
      }
    }
    const dir = this.options.recordDir;
    if (!dir) return { rows, next: null };
    const shownLive = new Set<string>();
    for (const d of this.live.newestFirst()) if (d.ev.recorded) shownLive.add(d.ev.recorded);
    const cut = inFiles ? Number(before!.slice(1)) : Infinity;
    for (const file of await listRecordFiles(dir)) {
      if (file.n <= this.filesAfter) break;
      if (file.n >= cut || this.hidden.has(recordId(file.n))) continue;
      const d = this.files.get(recordId(file.n)) ?? this.cacheFile(await loadRecord(dir, file, this.options.verify));
      if (!d || (d.ev.recorded && shownLive.has(d.ev.recorded)) || !match(d)) continue;
      if (rows.length === limit) return { rows, next: rows[rows.length - 1]!.id };
      rows.push(d);
    }
    return { rows, next: null };
  }

  private cacheFile(d: Delivery | null): Delivery | null {
    if (!d) return null;
    this.files.set(d.id, d);
    if (this.files.size > this.options.keep) this.files.delete(this.files.keys().next().value!);
    return d;
  }
}
