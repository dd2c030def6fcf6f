import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Delivery } from './delivery.js';
import type { Matcher } from './filter.js';
import { FrameWriter } from './frames.js';
import type { ChangeKind } from './store.js';

/** What follows a frame's id, by kind (0 delivery, 1 update, 2 remove). */
const HEADS = ['\nevent: delivery\ndata: ', '\nevent: update\ndata: ', '\nevent: remove\ndata: '].map((s) => Buffer.from(s));
const END = Buffer.from('\n\n');
/** Bytes a frame usually takes, to size a flush's buffer once. */
const FRAME_GUESS = 480;

/** The store's live deliveries, as the log looks them up when it sends. */
export interface LiveDeliveries {
  /** A live delivery by arrival number; undefined once it has left memory or was deleted. */
  liveDelivery(order: number): Delivery | undefined;
  /** The arrival number of the oldest live delivery memory can still hold. */
  oldestLive(): number;
}

interface Client {
  res: ServerResponse;
  match: Matcher;
  /** Last entry sent. */
  sent: number;
}

/**
 * How often queued changes go out: one write per page per tick, so a burst of webhooks costs the listener little.
 * Sooner in a flood (see push), so that it never outruns the deliveries kept in memory.
 */
const FLUSH_MS = 100;
const HEARTBEAT_MS = 15_000;
/** A page that stops reading is cut off past this much queued output; it reconnects and resumes. */
const MAX_BUFFERED = 8 * 1024 * 1024;
/**
 * More new rows than this in one flush (2,000 a second at the 100 ms pace) is a flood: the page is told how many
 * came, as one `flood` frame, and reloads its list (the newest rows, the rest a "Load older" away) at most once a
 * second. Row by row, a flood made the listener write a summary per request for every page, for a list that shows
 * 200 rows and a person who cannot read 2,000 a second. Updates and removals within a flood are not sent either: the
 * reloaded list has them.
 */
export const FLOOD_ROWS = 200;

/**
 * The live list's Server-Sent Events: every change gets an id `<run>-<n>`; a page that reconnects sends the last id
 * it saw (Last-Event-ID) and gets everything after it from a bounded log, or `reset` when that is no longer there
 * (or the id is from another run) and it must reload the list.
 */
export class EventHub {
  readonly run = randomBytes(4).toString('hex');
  // The log is a ring: change n is in slot n % capacity, its kind (0 delivery, 1 update, 2 remove) beside its
  // subject. A live delivery's subject is its arrival number, looked up in the store when sent, so the log keeps no
  // request alive longer than the store does (fewer survivors for every young-generation GC); the rest (a recording,
  // a removal's id) is kept as it is. No object per change; serialised when sent, never kept.
  private readonly kinds: Uint8Array;
  private readonly orders: Float64Array;
  private readonly others: (Delivery | string | null)[];
  private readonly idPrefix = Buffer.from(`id: ${this.run}-`);
  private n = 0;
  private readonly clients = new Set<Client>();
  /** The last change sent to every page, and what is waiting for the timer (or the immediate of a flood). */
  private flushed = 0;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Immediate | null = null;
  private readonly flushNow = () => this.flush();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly capacity: number,
    private readonly live: LiveDeliveries,
    private readonly floodRows = FLOOD_ROWS,
  ) {
    this.kinds = new Uint8Array(capacity);
    this.orders = new Float64Array(capacity);
    this.others = new Array<Delivery | string | null>(capacity).fill(null);
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS).unref();
  }

  get lastId(): string {
    return `${this.run}-${this.n}`;
  }

  push(kind: ChangeKind, subject: Delivery | string | null): void {
    this.n += 1;
    const slot = this.n % this.capacity;
    this.kinds[slot] = kind === 'delivery' ? 0 : kind === 'update' ? 1 : 2;
    if (subject !== null && typeof subject === 'object' && subject.source === 'live') {
      this.orders[slot] = subject.order;
      this.others[slot] = null;
    } else {
      this.orders[slot] = 0;
      this.others[slot] = subject;
    }
    if (!this.clients.size) return;
    const waiting = this.n - this.flushed;
    // The log holds twice the deliveries memory keeps: at half of it, send now, before any waiting delivery can leave
    // memory (many sockets' requests can be handled before an immediate runs).
    if (waiting >= this.capacity >> 1) return this.flush();
    if (!this.timer) this.timer = setTimeout(this.flushNow, FLUSH_MS);
    else if (!this.soon && waiting >= this.capacity >> 2) this.soon = setImmediate(this.flushNow);
  }

  /** Starts a stream after `since` (the Last-Event-ID header, or ?since= from the list the page loaded). */
  attach(res: ServerResponse, match: Matcher, since: string | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const client: Client = { res, match, sent: this.n };
    const [run, at] = since?.split('-') ?? [];
    const n = Number(at);
    if (since !== undefined) {
      if (run !== this.run || !Number.isInteger(n) || n > this.n || n < this.oldest - 1) {
        res.write(`id: ${this.lastId}\nevent: reset\ndata: {}\n\n`);
      } else {
        client.sent = n;
      }
    }
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    if (client.sent < this.n) this.send(client);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = null;
    this.soon = null;
    this.flushed = this.n;
    for (const c of this.clients) this.send(c);
  }

  /** The oldest change still in the ring. */
  private get oldest(): number {
    return Math.max(1, this.n - this.capacity + 1);
  }

  private send(c: Client): void {
    if (c.res.writableLength > MAX_BUFFERED) return void c.res.destroy();
    if (c.sent >= this.n) return;
    if (c.sent < this.oldest - 1 || this.behindMemory(c.sent)) {
      // This page fell behind the log, or behind the deliveries kept in memory: it reloads the list instead.
      c.sent = this.n;
      c.res.write(`id: ${this.lastId}\nevent: reset\ndata: {}\n\n`);
      return;
    }
    const rows = this.newRows(c);
    if (rows > this.floodRows) {
      c.sent = this.n;
      c.res.write(`id: ${this.lastId}\nevent: flood\ndata: {"deliveries":${rows}}\n\n`);
      return;
    }
    // One buffer per flush, every frame with its own id; summaries are written into it without building strings.
    const out = new FrameWriter((this.n - c.sent) * FRAME_GUESS);
    for (let n = c.sent + 1; n <= this.n; n++) {
      const slot = n % this.capacity;
      const kind = this.kinds[slot]!;
      const subject = this.subjectAt(slot);
      // A live delivery deleted since (or, for an update, gone from memory) is not sent; a removal is.
      if (subject === undefined) continue;
      // Removals and updates go to every page (it ignores rows it does not show); new rows only where they match.
      if (kind === 0 && !c.match(subject as Delivery)) continue;
      out.raw(this.idPrefix);
      out.num(n);
      out.raw(HEADS[kind]!);
      if (kind === 2) out.text(JSON.stringify({ id: subject }));
      else out.summary(subject as Delivery);
      out.raw(END);
    }
    c.sent = this.n;
    c.res.write(out.length ? out.done() : `id: ${this.lastId}\n: caught up\n\n`);
  }

  /** How many new rows page `c` would get now. */
  private newRows(c: Client): number {
    let rows = 0;
    for (let n = c.sent + 1; n <= this.n; n++) {
      const slot = n % this.capacity;
      if (this.kinds[slot] !== 0) continue;
      const subject = this.subjectAt(slot);
      if (subject && typeof subject === 'object' && c.match(subject)) rows += 1;
    }
    return rows;
  }

  /** What a slot's change is about: a live delivery looked up by arrival number (undefined once gone), or as kept. */
  private subjectAt(slot: number): Delivery | string | null | undefined {
    const order = this.orders[slot]!;
    return order ? this.live.liveDelivery(order) : this.others[slot]!;
  }

  /**
   * True when a new live delivery after change `sent` has left memory (the page would miss its row). The first one
   * is the oldest; an update of a delivery that has left memory is merely not sent (the page no longer shows it).
   */
  private behindMemory(sent: number): boolean {
    const oldest = this.live.oldestLive();
    for (let n = sent + 1; n <= this.n; n++) {
      const slot = n % this.capacity;
      const order = this.orders[slot]!;
      if (order && this.kinds[slot] === 0) return order < oldest;
    }
    return false;
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearImmediate(this.soon);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
