import { BreakerRegistry, deliver, type DeliveryOutcome } from '../adapters/http/deliver.js';
import type { HttpSinkPort } from '../adapters/http/http-sink.js';
import { createNodeHttpSink } from '../adapters/http/node-http-sink.js';
import type { Provider } from '../adapters/webhooks/scheme.js';
import { systemClock, type Clock } from '../core/clock.js';
import { TokenBucket } from '../core/rate-limit.js';
import { eventMatcher } from '../listener/glob.js';
import type { LoadedFixture } from './load.js';
import { prepareRequest, type PrepareOptions } from './prepare.js';

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
  let next = 0;

  const one = async (loaded: LoadedFixture): Promise<ReplayResult> => {
    const prepared = prepareRequest(loaded.fixture, { url: options.to, ...options.prepare, nowSec: Math.floor(clock.now() / 1000) });
    const base = {
      file: loaded.file, provider: prepared.provider, type: prepared.type, id: prepared.id,
      resigned: prepared.resigned, unsigned: prepared.unsigned, url: options.to,
    };
    if (wanted && !wanted(prepared.type)) {
      return { ...base, skipped: true, status: null, ok: true, latencyMs: null, attempts: 0, error: null };
    }
    if (bucket) await bucket.take(options.signal);
    // Signed now, not when loaded: a rate-limited run may start a fixture long after it was read.
    const fresh = bucket && prepared.resigned ? prepareRequest(loaded.fixture, { url: options.to, ...options.prepare, nowSec: Math.floor(clock.now() / 1000) }) : prepared;
    const outcome = await deliver(
      http,
      { url: fresh.url ?? options.to, method: 'POST', headers: fresh.headers, body: fresh.body, timeoutMs: options.timeoutMs },
      { retries: options.retries, breaker, clock, random: options.random, baseMs: options.retryBaseMs, signal: options.signal },
    );
    return { ...base, skipped: false, ...outcome };
  };

  const worker = async () => {
    while (next < fixtures.length && !options.signal?.aborted) {
      const loaded = fixtures[next++]!;
      let result: ReplayResult;
      try {
        result = await one(loaded);
      } catch (error) {
        if (options.signal?.aborted) return;
        throw error;
      }
      if (result.skipped) summary.skipped += 1;
      else if (result.ok) summary.ok += 1;
      else {
        summary.failed += 1;
        if (result.status !== null) summary.answered += 1;
      }
      onResult(result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, fixtures.length)) }, worker));
  } finally {
    if (!options.http) http.close();
  }
  summary.durationMs = clock.now() - started;
  return summary;
}
