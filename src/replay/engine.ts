import { setMaxListeners } from 'node:events';
import { BreakerRegistry, deliver, type DeliveryOutcome } from '../adapters/http/deliver.js';
import type { HttpRequest, HttpSinkPort } from '../adapters/http/http-sink.js';
import { createNodeHttpSink } from '../adapters/http/node-http-sink.js';
import type { Provider } from '../adapters/webhooks/scheme.js';
import { systemClock, type Clock } from '../core/clock.js';
import { TokenBucket } from '../core/rate-limit.js';
import { eventMatcher } from '../listener/glob.js';
import type { LoadedFixture } from './load.js';
import type { PreparedRequest, PrepareOptions } from './prepare.js';
import { SignAhead, type ReadyFixture } from './sign-ahead.js';

export interface ReplayOptions {
  to: string;
  /** Fixtures in flight at once; 1 sends them strictly one after another, in order. */
  concurrency: number;
  /** Fixtures started per second (token bucket, no burst), when set. */
  ratePerSec?: number;
  retries: number;
  timeoutMs: number;
  /** Event-type globs; other fixtures are skipped. */
  events?: string[];
  prepare: Omit<PrepareOptions, 'nowSec'>;
  http?: HttpSinkPort;
  clock?: Clock;
  random?: () => number;
  retryBaseMs?: number;
  signal?: AbortSignal;
}

/** How one fixture went: one `replay` line or NDJSON record. */
export interface ReplayResult extends DeliveryOutcome {
  file: string;
  provider: Provider | null;
  type: string | null;
  id: string | null;
  skipped: boolean;
  resigned: boolean;
  unsigned: boolean;
}

export interface ReplaySummary {
  total: number;
  ok: number;
  failed: number;
  skipped: number;
  /** Failed fixtures that got an HTTP answer (a non-2xx), as opposed to none at all. */
  answered: number;
  durationMs: number;
}

/**
 * Sends fixtures to one URL with bounded concurrency, an optional rate, retries and a circuit breaker; reports
 * each result as it completes. With concurrency 1 the fixtures go strictly in the order given.
 */
export async function replayFixtures(
  fixtures: LoadedFixture[],
  options: ReplayOptions,
  onResult: (result: ReplayResult) => void = () => {},
): Promise<ReplaySummary> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const http = options.http ?? createNodeHttpSink({ maxSockets: Math.max(options.concurrency, 1) });
  const wanted = options.events?.length ? eventMatcher(options.events) : null;
  const bucket = options.ratePerSec ? new TokenBucket({ ratePerSec: options.ratePerSec, burst: 1, clock }) : null;
  const breaker = new BreakerRegistry({ failureThreshold: 5, resetTimeoutMs: 30_000, clock }).for(options.to);
  const summary: ReplaySummary = { total: fixtures.length, ok: 0, failed: 0, skipped: 0, answered: 0, durationMs: 0 };

  // The URL is what twilio, square and hubspot sign. Without a rate, fixtures are signed a few in a row (see
  // SignAhead); with one, each is signed when the bucket lets it go.
  const prepareOptions: PrepareOptions = { url: options.to, ...options.prepare, nowSec: 0 };
  const batch = bucket ? 1 : Math.max(1, Math.min(options.concurrency, 32));
  const ahead = new SignAhead(fixtures, prepareOptions, batch, () => Math.floor(clock.now() / 1000));
  // Each request in flight and each retry waiting listens to this signal: one of our own, without node's warning
  // at more than ten listeners (concurrency 32 has 32), that follows the caller's.
  const own = new AbortController();
  setMaxListeners(0, own.signal);
  const follow = () => own.abort(options.signal?.reason);
  if (options.signal?.aborted) follow();
  else options.signal?.addEventListener('abort', follow, { once: true });
  const signal = options.signal ? own.signal : undefined;
  const deliverOptions = { retries: options.retries, breaker, clock, random: options.random, baseMs: options.retryBaseMs, signal };

  // With the signal deliver would add, so that it need not copy the request to add it.
  const request = (prepared: PreparedRequest): HttpRequest => ({
    url: prepared.url ?? options.to, method: 'POST', headers: prepared.headers, body: prepared.body, timeoutMs: options.timeoutMs, signal,
  });
  const send = (item: ReadyFixture, prepared: PreparedRequest): Promise<DeliveryOutcome> => {
    if (!bucket) return deliver(http, request(prepared), deliverOptions);
    return bucket.take(signal).then(() =>
      // Signed now, not when prepared: a rate-limited run may start a fixture long after.
      deliver(http, request(prepared.resigned ? ahead.resign(item) : prepared), deliverOptions),
    );
  };

  const worker = async () => {
    while (!ahead.done && !options.signal?.aborted) {
      let r: ReplayResult;
      try {
        const item = ahead.take();
        const prepared = item.prepared!;
        const skipped = wanted !== null && !wanted(prepared.type);
        r = result(item.loaded, prepared, options.to, skipped ? null : await send(item, prepared));
      } catch (error) {
        if (options.signal?.aborted) return;
        throw error;
      }
      if (r.skipped) summary.skipped += 1;
      else if (r.ok) summary.ok += 1;
      else {
        summary.failed += 1;
        if (r.status !== null) summary.answered += 1;
      }
      onResult(r);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, fixtures.length)) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', follow);
    if (!options.http) http.close();
  }
  summary.durationMs = clock.now() - started;
  return summary;
}

/** One result, its fields always in the same order (one object shape for every fixture). */
function result(loaded: LoadedFixture, prepared: PreparedRequest, url: string, outcome: DeliveryOutcome | null): ReplayResult {
  const r: ReplayResult = {
    file: loaded.file,
    provider: prepared.provider,
    type: prepared.type,
    id: prepared.id,
    resigned: prepared.resigned,
    unsigned: prepared.unsigned,
    url,
    skipped: outcome === null,
    status: outcome ? outcome.status : null,
    ok: outcome ? outcome.ok : true,
    latencyMs: outcome ? outcome.latencyMs : null,
    attempts: outcome ? outcome.attempts : 0,
    error: outcome ? outcome.error : null,
  };
  if (outcome?.responseBody !== undefined) r.responseBody = outcome.responseBody;
  return r;
}
