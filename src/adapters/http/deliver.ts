import { CircuitBreaker, CircuitOpenError } from '../../core/circuit-breaker.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { parseRetryAfter, retry, retryAfter, type RetryDecision, type RetryOptions } from '../../core/retry.js';
import { HttpFailure, type HttpRequest, type HttpResponse, type HttpSinkPort } from './http-sink.js';

/** How one delivery ended, after its retries: what `<--` lines and `forwards[]` show. */
export interface DeliveryOutcome {
  url: string;
  /** The last HTTP status, or null when no answer came (network, timeout, open circuit). */
  status: number | null;
  /** True for a 2xx answer. */
  ok: boolean;
  /** Latency of the last attempt in milliseconds (the target's own speed, not our backoff waits). */
  latencyMs: number | null;
  attempts: number;
  /** Why it did not succeed, in words; null on a 2xx. */
  error: string | null;
  /** Start of the last answer's body, for --verbose. */
  responseBody?: string;
  /** The last answer's headers (lower-case names), as received, for the inspector's timeline. */
  responseHeaders?: HttpResponse['headers'];
  /** Why each earlier attempt was retried, in order; absent when the first attempt was the last. */
  retryReasons?: string[];
}

export interface DeliverOptions {
  /** Further attempts after the first, on network errors, timeouts, 5xx and 429. */
  retries: number;
  breaker?: CircuitBreaker;
  clock?: Clock;
  random?: () => number;
  signal?: AbortSignal;
  baseMs?: number;
  maxMs?: number;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** A 5xx or 429 answer, thrown inside the retry loop so that core/retry sees it as a failure. */
export class TransientStatusError extends Error {
  constructor(readonly response: HttpResponse) {
    super(`HTTP ${response.status}`);
    this.name = 'TransientStatusError';
  }
}

/** Transient: network errors, timeouts, 5xx and 429 (with their Retry-After). Never a 4xx or our own abort. */
export function classifyHttpFailure(error: unknown, nowMs = Date.now()): RetryDecision {
  if (error instanceof TransientStatusError) {
    const header = error.response.headers['retry-after'];
    const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, nowMs);
    return { retry: true, retryAfterMs };
  }
  if (error instanceof HttpFailure) return { retry: error.kind !== 'aborted' };
  return { retry: false };
}

/** What counts against a target's circuit: no answer, or a server error. A 4xx or 429 is not the target failing. */
export function isTargetFailure(error: unknown): boolean {
  if (error instanceof TransientStatusError) return error.response.status >= 500;
  return error instanceof HttpFailure && error.kind !== 'aborted';
}

function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/** One place every breaker for a URL comes from, so a target shares its circuit across events. */
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  constructor(private readonly options: { failureThreshold?: number; resetTimeoutMs?: number; clock?: Clock } = {}) {}
  for(url: string): CircuitBreaker {
    const key = new URL(url).origin;
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker({ name: key, ...this.options });
      this.breakers.set(key, breaker);
    }
    return breaker;
  }
}

/**
 * Sends a request with retries (core/retry, honouring Retry-After) through the target's circuit breaker, and
 * reports how it ended. Never throws for the target's behaviour: a refused connection or a 500 is an outcome.
 */
export function deliver(sink: HttpSinkPort, request: HttpRequest, options: DeliverOptions): Promise<DeliveryOutcome> {
  const breaker = options.breaker;
  if (options.signal?.aborted || (breaker && breaker.state !== 'closed')) return deliverWithRetries(sink, request, options);
  // The first attempt straight on the sink's promise while the circuit is closed: nearly every delivery ends with
  // it, and the frames of the retry loop and the breaker showed in replay's profile (thousands a second). The
  // breaker records it as run would; a failure goes on through the retry loop as if it had made that attempt.
  let sending: Promise<HttpResponse>;
  try {
    sending = sink.send(withSignal(request, options.signal));
  } catch (error) {
    sending = Promise.reject(error);
  }
  return sending.then(
    (response) => {
      if (isTransientStatus(response.status)) {
        const error = new TransientStatusError(response);
        breaker?.record(error, isTargetFailure);
        return deliverWithRetries(sink, request, options, { error, response });
      }
      breaker?.record(undefined);
      return outcome(request.url, response, 1);
    },
    (error: unknown) => {
      breaker?.record(error, isTargetFailure);
      return deliverWithRetries(sink, request, options, { error });
    },
  );
}

/** The request with the caller's signal, or as given when it has it or there is none (replay sends thousands). */
function withSignal(request: HttpRequest, signal: AbortSignal | undefined): HttpRequest {
  return signal && request.signal !== signal
    ? { url: request.url, method: request.method, headers: request.headers, body: request.body, timeoutMs: request.timeoutMs, signal }
    : request;
}

/** deliver with its retry loop, from the start or after a first attempt made (and recorded) by deliver. */
async function deliverWithRetries(
  sink: HttpSinkPort,
  request: HttpRequest,
  options: DeliverOptions,
  first?: { error: unknown; response?: HttpResponse },
): Promise<DeliveryOutcome> {
  const clock = options.clock ?? systemClock;
  let attempts = first ? 1 : 0;
  let last: HttpResponse | undefined = first?.response;
  let retryReasons: string[] | undefined;
  const onRetry: DeliverOptions['onRetry'] = (info) => {
    (retryReasons ??= []).push(describeFailure(info.error));
    options.onRetry?.(info);
  };
  const sent = withSignal(request, options.signal);
  const check = (response: HttpResponse): HttpResponse => {
    last = response;
    if (isTransientStatus(response.status)) throw new TransientStatusError(response);
    return response;
  };
  const attempt = (): Promise<HttpResponse> => {
    attempts += 1;
    return sink.send(sent).then(check);
  };
  const run = () => (options.breaker ? options.breaker.run(attempt, isTargetFailure) : attempt());
  const retryOptions: RetryOptions = {
    retries: options.retries,
    classify: (error) => classifyHttpFailure(error, clock.now()),
    signal: options.signal,
    clock,
    random: options.random,
    baseMs: options.baseMs,
    maxMs: options.maxMs,
    onRetry,
  };
  try {
    const response = await (first ? retryAfter(run, retryOptions, first.error) : retry(run, retryOptions));
    return withRetries(outcome(request.url, response, attempts), retryReasons);
  } catch (error) {
    if (error instanceof TransientStatusError) return withRetries(outcome(request.url, error.response, attempts), retryReasons);
    const message = describeFailure(error);
    const fromLast = last && !(error instanceof HttpFailure) ? last : undefined;
    if (fromLast) return withRetries(outcome(request.url, fromLast, attempts, message), retryReasons);
    return withRetries({ url: request.url, status: null, ok: false, latencyMs: null, attempts, error: message }, retryReasons);
  }
}

function withRetries(result: DeliveryOutcome, reasons: string[] | undefined): DeliveryOutcome {
  if (reasons) result.retryReasons = reasons;
  return result;
}

function outcome(url: string, response: HttpResponse, attempts: number, error?: string): DeliveryOutcome {
  const ok = response.status >= 200 && response.status < 300;
  return {
    url,
    status: response.status,
    ok,
    latencyMs: Math.round(response.latencyMs),
    attempts,
    error: error ?? (ok ? null : `HTTP ${response.status}`),
    responseBody: response.body.toString('utf8'),
    responseHeaders: response.headers,
  };
}

function describeFailure(error: unknown): string {
  if (error instanceof CircuitOpenError) return `circuit open: ${error.message}`;
  if (error instanceof HttpFailure) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}
