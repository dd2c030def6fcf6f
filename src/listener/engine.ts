import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliveryOutcome } from '../adapters/http/deliver.js';
import { BUILTIN_CATALOG, challengeAnswer, detectProvider, eventInfo, publicUrlFor, verifyWebhook } from '../adapters/webhooks/index.js';
import { systemClock, type Clock } from '../core/clock.js';
import { readBody, TOO_LARGE } from './body.js';
import { ALLOW_POST, answer, CLOSE, flatHeaders, normalisePath, RETRY_SOON, SHUTTING_DOWN, underPath } from './http-answer.js';
import { SeenIds } from './dedupe.js';
import { ListenerEvent } from './event.js';
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

type Done = () => void;

const noop = () => {};

/**
 * The per-request behaviour of the listener, separate from the socket lifecycle in server.ts. The path up to the
 * answer is synchronous unless the event is recorded: a promise chain per request costs a third of the throughput.
 */
export class ListenerEngine extends EventEmitter<ListenerEvents> {
  readonly stats: ListenerStats = {
    received: 0, accepted: 0, rejected: 0, duplicates: 0, skipped: 0, recorded: 0, forwarded: 0, forwardFailures: 0,
  };
  closing = false;
  /** Aborted when the grace period of a shutdown runs out: deliveries still running give up. */
  readonly abort = new AbortController();
  private active = 0;
  private idle: (() => void)[] = [];
  private readonly seen: SeenIds;
  private readonly wanted: ((type: string | null | undefined) => boolean) | null;
  private readonly clock: Clock;
  private readonly basePath: string;
  private readonly maxBody: number;
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
    this.maxBody = options.maxBodyBytes ?? 1024 * 1024;
  }

  /** Requests being read, recorded or delivered right now. */
  get inFlight(): number {
    return this.active;
  }

  /** Resolves when nothing is in flight any more. */
  settled(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    res.on('error', noop);
    this.active += 1;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      if (--this.active === 0) for (const resolve of this.idle.splice(0)) resolve();
    };
    try {
      this.process(req, res, done);
    } catch (error) {
      this.fail(res, error, done);
    }
  }

  private fail(res: ServerResponse, error: unknown, done: Done): void {
    this.emit('problem', `request failed: ${error instanceof Error ? error.message : String(error)}`);
    answer(res, 500, 'internal error\n');
    done();
  }

  private process(req: IncomingMessage, res: ServerResponse, done: Done): void {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    this.seq += 1;
    this.stats.received += 1;
    const event = new ListenerEvent(this.seq, this.clock.now(), method, path, flatHeaders(req.headers));
    if (this.closing) return this.reject(event, res, done, 503, 'the listener is shutting down', SHUTTING_DOWN);
    if (!underPath(path, this.basePath)) {
      return this.reject(event, res, done, 404, `nothing is listening on ${path.split('?')[0]}; webhooks go to ${this.basePath}`);
    }
    if (method !== 'POST') return this.reject(event, res, done, 405, `method ${method} not allowed; send webhooks with POST`, ALLOW_POST);
    if (Number(req.headers['content-length']) > this.maxBody) return this.tooLarge(event, req, res, done);
    readBody(req, this.maxBody, (error, body) => {
      if (error || body === undefined) {
        this.stats.rejected += 1;
        this.emit('problem', `${method} ${path}: ${error?.message ?? 'no body'}`);
        return done();
      }
      if (body === TOO_LARGE) return this.tooLarge(event, req, res, done);
      event.body = body;
      try {
        this.accept(event, res, done);
      } catch (failure) {
        this.fail(res, failure, done);
      }
    });
  }

  private reject(event: ListenerEvent, res: ServerResponse, done: Done, status: number, reason: string, extra?: Record<string, string>): void {
    this.stats.rejected += 1;
    answer(res, status, reason + '\n', extra);
    event.status = status;
    event.reason = reason;
    this.finish(event, []);
    done();
  }

  private tooLarge(event: ListenerEvent, req: IncomingMessage, res: ServerResponse, done: Done): void {
    // Say so at once and close: discarding the rest for a moment lets the client read the answer before the reset.
    this.reject(event, res, done, 413, `body larger than --max-body ${this.maxBody} bytes`, CLOSE);
    req.resume();
    res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref());
  }

  private accept(event: ListenerEvent, res: ServerResponse, done: Done): void {
    const { headers, body } = event;
    const configured = this.options.provider ?? 'auto';
    const { catalog, publicUrl } = this.options;
    event.provider = configured === 'auto' ? (detectProvider(headers, body, catalog) ?? null) : configured;
    event.reason = 'not checked: the listener has no secret';
    if (publicUrl) event.url = publicUrlFor(publicUrl, event.path);
    if (this.options.secret || this.options.publicKey) {
      const result = verifyWebhook({
        // Detected above already; 'auto' is left only to word the failure when no provider was found.
        provider: event.provider ?? 'auto',
        body,
        headers,
        secret: this.options.secret ?? '',
        nowSec: Math.floor(this.clock.now() / 1000),
        toleranceSec: this.options.toleranceSec,
        url: event.url ?? undefined,
        method: event.method,
        publicKey: this.options.publicKey,
        catalog,
      });
      event.provider = result.provider ?? event.provider;
      if (!result.valid) {
        const why = result.reason ?? 'signature did not verify';
        const status = (event.provider ? (catalog ?? BUILTIN_CATALOG).get(event.provider)?.rejectStatus : undefined) ?? 400;
        setInfo(event);
        this.stats.rejected += 1;
        answer(res, status, `signature verification failed: ${why}\n`);
        event.status = status;
        event.reason = why;
        this.finish(event, []);
        return done();
      }
      event.verified = true;
      event.reason = null;
      const reply = challengeAnswer(event.provider, body, this.options.secret);
      if (reply) {
        // Zoom's URL validation and Discord's PING want this answer from the endpoint itself, not the app's.
        this.stats.accepted += 1;
        setInfo(event);
        answer(res, 200, reply, undefined, true);
        this.finish(event, []);
        return done();
      }
    }
    setInfo(event);
    const key = event.id ? `${event.provider ?? 'unknown'}:${event.id}` : null;
    if (key && this.seen.checkAndAdd(key)) {
      this.stats.duplicates += 1;
      event.duplicate = true;
      answer(res, 200, '{"received":true,"duplicate":true}', undefined, true);
      this.finish(event, []);
      return done();
    }
    if (this.wanted && !this.wanted(event.type)) {
      this.stats.skipped += 1;
      event.skipped = true;
      answer(res, 200, '{"received":true,"skipped":true}', undefined, true);
      this.finish(event, []);
      return done();
    }
    if (this.active > (this.options.maxPending ?? 1000)) {
      if (key) this.seen.delete(key);
      this.stats.rejected += 1;
      answer(res, 503, 'too many events in flight; retry later\n', RETRY_SOON);
      event.status = 503;
      event.reason = 'too many events in flight';
      this.finish(event, []);
      return done();
    }
    const accepted = () => {
      this.stats.accepted += 1;
      answer(res, 200, event.id ? `{"received":true,"id":${JSON.stringify(event.id)}}` : '{"received":true}', undefined, true);
      this.emit('received', event);
      this.deliver(event, done);
    };
    if (!this.recorder) return accepted();
    this.recorder.record(event).then(
      (file) => {
        event.recorded = file;
        this.stats.recorded += 1;
        accepted();
      },
      (error: unknown) => {
        // Not on disk means not taken: answer 500 so the provider sends it again.
        if (key) this.seen.delete(key);
        this.stats.rejected += 1;
        const message = error instanceof Error ? error.message : String(error);
        answer(res, 500, `could not record the event: ${message}\n`);
        event.status = 500;
        event.reason = `could not record: ${message}`;
        this.finish(event, []);
        done();
      },
    );
  }

  private deliver(event: ReceivedEvent, done: Done): void {
    if (this.sinks.length === 0) {
      this.emitRecord(event, []);
      return done();
    }
    const each = this.sinks.map((sink) =>
      sink.deliver(event, this.abort.signal).catch((error: unknown): DeliveryOutcome => {
        const message = error instanceof Error ? error.message : String(error);
        return { url: sink.name, status: null, ok: false, latencyMs: null, attempts: 1, error: message };
      }),
    );
    void Promise.all(each)
      .then((results) => {
        const forwards = results.filter((r): r is DeliveryOutcome => r !== null);
        for (const outcome of forwards) {
          this.stats.forwarded += 1;
          if (!outcome.ok) this.stats.forwardFailures += 1;
          this.emit('forward', event, outcome);
        }
        this.emitRecord(event, forwards);
      })
      .catch((error: unknown) => this.emit('problem', `delivery failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(done);
  }

  private finish(event: ReceivedEvent, forwards: DeliveryOutcome[]): void {
    this.emit('received', event);
    this.emitRecord(event, forwards);
  }

  private emitRecord(event: ReceivedEvent, forwards: DeliveryOutcome[]): void {
    if (this.listenerCount('event') === 0) return;
    this.emit('event', {
      receivedAt: event.receivedAt, method: event.method, path: event.path, status: event.status, provider: event.provider,
      type: event.type, id: event.id, verified: event.verified, reason: event.reason, duplicate: event.duplicate,
      skipped: event.skipped, recorded: event.recorded, bytes: event.body.length, forwards,
    });
  }
}

/** The event type and id, for --events and duplicates; a body that is not what its headers claim yields none. */
function setInfo(event: ListenerEvent): void {
  try {
    const info = eventInfo(event.provider, event.headers, event.body);
    event.type = info.type ?? null;
    event.id = info.id ?? null;
  } catch {
    // Left null: such an event is still answered, recorded and forwarded.
  }
}
