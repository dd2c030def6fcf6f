import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliveryOutcome } from '../adapters/http/deliver.js';
import { detectProvider, eventInfo, verifyWebhook } from '../adapters/webhooks/index.js';
import type { Headers, Provider } from '../adapters/webhooks/scheme.js';
import { systemClock, type Clock } from '../core/clock.js';
import { readBody, TOO_LARGE } from './body.js';
import { SeenIds } from './dedupe.js';
import { eventMatcher } from './glob.js';
import type { Recorder } from './recorder.js';
import type { EventSink, ListenerEventRecord, ListenerOptions, ListenerStats, ReceivedEvent } from './types.js';

/** What the listener tells its observers: arrival (`-->`), each delivery (`<--`), the finished record (--json). */
export interface ListenerEvents {
  received: [event: ReceivedEvent];
  forward: [event: ReceivedEvent, outcome: DeliveryOutcome];
  event: [record: ListenerEventRecord];
  /** A connection-level problem (malformed HTTP, timeout, aborted upload): logged, never fatal. */
  problem: [message: string];
}

/** The per-request behaviour of the listener, separate from the socket lifecycle in server.ts. */
export class ListenerEngine extends EventEmitter<ListenerEvents> {
  readonly stats: ListenerStats = {
    received: 0, accepted: 0, rejected: 0, duplicates: 0, skipped: 0, recorded: 0, forwarded: 0, forwardFailures: 0,
  };
  closing = false;
  /** Aborted when the grace period of a shutdown runs out: deliveries still running give up. */
  readonly abort = new AbortController();
  private readonly pending = new Set<Promise<void>>();
  private readonly seen: SeenIds;
  private readonly wanted: ((type: string | null | undefined) => boolean) | null;
  private readonly clock: Clock;
  private readonly basePath: string;
  private seq = 0;

  constructor(
    private readonly options: ListenerOptions,
    private readonly sinks: EventSink[],
    private readonly recorder: Recorder | null,
  ) {
    super();
    this.seen = new SeenIds(options.dedupeCapacity ?? 10_000);
    this.wanted = options.events?.length ? eventMatcher(options.events) : null;
    this.clock = options.clock ?? systemClock;
    this.basePath = normalisePath(options.path ?? '/');
  }

  /** Events still being read, recorded or delivered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Resolves when everything in flight has finished. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    res.on('error', () => {});
    req.on('error', () => {});
    const work = this.process(req, res).catch((error: unknown) => {
      this.emit('problem', `request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent && !res.destroyed) answer(res, 500, 'internal error\n');
    });
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async process(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = new Date(this.clock.now()).toISOString();
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const base = { receivedAt, method, path, headers: flatHeaders(req.headers), body: Buffer.alloc(0) };
    const reject = (status: number, reason: string, extra: Record<string, string> = {}) => {
      this.stats.rejected += 1;
      answer(res, status, reason + '\n', extra);
      this.finish(this.event(base, status, { reason }), []);
    };
    this.stats.received += 1;
    if (this.closing) return reject(503, 'the listener is shutting down', { connection: 'close', 'retry-after': '5' });
    if (!underPath(path, this.basePath)) return reject(404, `nothing is listening on ${path.split('?')[0]}; webhooks go to ${this.basePath}`);
    if (method !== 'POST') return reject(405, `method ${method} not allowed; send webhooks with POST`, { allow: 'POST' });
    const max = this.options.maxBodyBytes ?? 1024 * 1024;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) return this.tooLarge(req, res, reject, max);
    let body: Buffer;
    try {
      const read = await readBody(req, max);
      if (read === TOO_LARGE) return this.tooLarge(req, res, reject, max);
      body = read;
    } catch (error) {
      this.stats.rejected += 1;
      this.emit('problem', `${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    await this.accept({ ...base, body }, res);
  }

  private tooLarge(req: IncomingMessage, res: ServerResponse, reject: (s: number, r: string, e?: Record<string, string>) => void, max: number): void {
    // Say so at once and close: discarding the rest for a moment lets the client read the answer before the reset.
    reject(413, `body larger than --max-body ${max} bytes`, { connection: 'close' });
    req.resume();
    res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref());
  }

  private async accept(
    base: Pick<ReceivedEvent, 'receivedAt' | 'method' | 'path' | 'headers' | 'body'>,
    res: ServerResponse,
  ): Promise<void> {
    const { headers, body } = base;
    const configured = this.options.provider ?? 'auto';
    let provider: Provider | null = configured === 'auto' ? (detectProvider(headers) ?? null) : configured;
    let verified = false;
    let reason: string | null = 'not checked: the listener has no secret';
    if (this.options.secret) {
      const result = verifyWebhook({
        provider: configured,
        body,
        headers,
        secret: this.options.secret,
        nowSec: Math.floor(this.clock.now() / 1000),
        toleranceSec: this.options.toleranceSec ?? 300,
      });
      provider = result.provider ?? provider;
      if (!result.valid) {
        const why = result.reason ?? 'signature did not verify';
        this.stats.rejected += 1;
        answer(res, 400, `signature verification failed: ${why}\n`);
        const info = safeInfo(provider, headers, body);
        this.finish(this.event(base, 400, { provider, ...info, reason: why }), []);
        return;
      }
      verified = true;
      reason = null;
    }
    const info = safeInfo(provider, headers, body);
    const key = info.id ? `${provider ?? 'unknown'}:${info.id}` : null;
    const fields = { provider, ...info, verified, reason };
    if (key && this.seen.checkAndAdd(key)) {
      this.stats.duplicates += 1;
      answer(res, 200, { received: true, duplicate: true });
      this.finish(this.event(base, 200, { ...fields, duplicate: true }), []);
      return;
    }
    if (this.wanted && !this.wanted(info.type)) {
      this.stats.skipped += 1;
      answer(res, 200, { received: true, skipped: true });
      this.finish(this.event(base, 200, { ...fields, skipped: true }), []);
      return;
    }
    if (this.pending.size > (this.options.maxPending ?? 1000)) {
      if (key) this.seen.delete(key);
      this.stats.rejected += 1;
      answer(res, 503, 'too many events in flight; retry later\n', { 'retry-after': '1' });
      this.finish(this.event(base, 503, { ...fields, reason: 'too many events in flight' }), []);
      return;
    }
    const event = this.event(base, 200, fields);
    if (this.recorder) {
      try {
        event.recorded = await this.recorder.record(event);
        this.stats.recorded += 1;
      } catch (error) {
        // Not on disk means not taken: answer 500 so the provider sends it again.
        if (key) this.seen.delete(key);
        this.stats.rejected += 1;
        const message = error instanceof Error ? error.message : String(error);
        answer(res, 500, `could not record the event: ${message}\n`);
        event.status = 500;
        event.reason = `could not record: ${message}`;
        this.finish(event, []);
        return;
      }
    }
    this.stats.accepted += 1;
    answer(res, 200, { received: true, ...(info.id ? { id: info.id } : {}) });
    this.emit('received', event);
    const forwards = await this.deliverAll(event);
    this.emitRecord(event, forwards);
  }

  private async deliverAll(event: ReceivedEvent): Promise<DeliveryOutcome[]> {
    const results = await Promise.all(
      this.sinks.map(async (sink) => {
        try {
          return await sink.deliver(event, this.abort.signal);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return { url: sink.name, status: null, ok: false, latencyMs: null, attempts: 1, error: message };
        }
      }),
    );
    const forwards = results.filter((r): r is DeliveryOutcome => r !== null);
    for (const outcome of forwards) {
      this.stats.forwarded += 1;
      if (!outcome.ok) this.stats.forwardFailures += 1;
      this.emit('forward', event, outcome);
    }
    return forwards;
  }

  private event(
    base: Pick<ReceivedEvent, 'receivedAt' | 'method' | 'path' | 'headers' | 'body'>,
    status: number,
    fields: Partial<ReceivedEvent>,
  ): ReceivedEvent {
    this.seq += 1;
    return {
      seq: this.seq, ...base, status, provider: null, type: null, id: null, verified: false, reason: null,
      duplicate: false, skipped: false, recorded: null, ...fields,
    };
  }

  private finish(event: ReceivedEvent, forwards: DeliveryOutcome[]): void {
    this.emit('received', event);
    this.emitRecord(event, forwards);
  }

  private emitRecord(event: ReceivedEvent, forwards: DeliveryOutcome[]): void {
    if (this.listenerCount('event') === 0) return;
    const { seq: _seq, headers: _headers, body, ...rest } = event;
    this.emit('event', { ...rest, bytes: body.length, forwards });
  }
}

function safeInfo(provider: Provider | null, headers: Headers, body: Buffer): { type: string | null; id: string | null } {
  try {
    const info = eventInfo(provider, headers, body);
    return { type: info.type ?? null, id: info.id ?? null };
  } catch {
    return { type: null, id: null };
  }
}

function flatHeaders(headers: IncomingMessage['headers']): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function normalisePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

/** `/` takes every path; `/hooks` takes `/hooks`, `/hooks/stripe` and `/hooks?x=1`, not `/hooksy`. */
function underPath(url: string, base: string): boolean {
  if (base === '/') return true;
  const path = url.split('?')[0] ?? '';
  return path === base || path.startsWith(base + '/');
}

function answer(res: ServerResponse, status: number, body: string | object, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}
