import { systemClock, type Clock } from './clock.js';

/** What the adapter's classification says of one failure. */
export interface RetryDecision {
  /** Transient (network, 5xx, 429, …): worth another attempt. */
  retry: boolean;
  /** The server's Retry-After, already converted to milliseconds. */
  retryAfterMs?: number;
}

export interface RetryOptions {
  /** Further attempts after the first (0 = no retry). */
  retries: number;
  /** First backoff ceiling; doubles each attempt. */
  baseMs?: number;
  /** Largest backoff ceiling. */
  maxMs?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown instead. */
  maxRetryAfterMs?: number;
  classify: (error: unknown) => RetryDecision;
  signal?: AbortSignal;
  clock?: Clock;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Full jitter: a uniformly random wait between 0 and min(max, base·2^attempt). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * Runs `fn` until it succeeds, the classification says a failure is permanent, the attempts run out, or the
 * signal aborts. Waits with full-jitter exponential backoff, or exactly the server's Retry-After when it gave one.
 * The last error is thrown as it is, so the caller's error mapping still applies.
 */
export function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  // The first attempt without an async frame of its own: nearly every call ends with it (replay makes thousands).
  let first: Promise<T>;
  try {
    options.signal?.throwIfAborted();
    first = fn(0);
  } catch (error) {
    first = Promise.reject(error);
  }
  return first.catch((error: unknown) => retryAfter(fn, options, error));
}

/**
 * The rest of `retry` once a first attempt, made by the caller, failed with `firstError`: the same waits and
 * attempts (numbered from 1) as retry would make after it.
 */
export async function retryAfter<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions, firstError: unknown): Promise<T> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const baseMs = options.baseMs ?? 250;
  const maxMs = options.maxMs ?? 10_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  let error = firstError;
  for (let attempt = 0; ; attempt++) {
    if (attempt >= options.retries || options.signal?.aborted) throw error;
    const decision = options.classify(error);
    if (!decision.retry) throw error;
    if (decision.retryAfterMs !== undefined && decision.retryAfterMs > maxRetryAfterMs) throw error;
    const delayMs = decision.retryAfterMs ?? backoffDelay(attempt, baseMs, maxMs, random);
    options.onRetry?.({ attempt: attempt + 1, delayMs, error });
    await clock.sleep(delayMs, options.signal);
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt + 1);
    } catch (failure) {
      error = failure;
    }
  }
}
