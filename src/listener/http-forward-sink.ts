import { BreakerRegistry, deliver, type DeliveryOutcome } from '../adapters/http/deliver.js';
import { forwardableHeaders } from '../adapters/http/headers.js';
import type { HttpSinkPort } from '../adapters/http/http-sink.js';
import { createNodeHttpSink } from '../adapters/http/node-http-sink.js';
import type { Clock } from '../core/clock.js';
import { globToRegExp } from './glob.js';
import type { EventSink, ReceivedEvent } from './types.js';

/** `--route 'payment_intent.*=http://localhost:3000/pay'`: events whose type matches go to that URL. */
export interface Route {
  pattern: string;
  url: string;
}

export interface HttpForwardOptions {
  /** Where events go when no route matches. */
  forwardTo?: string;
  /** Tried in order; the first match wins. */
  routes?: Route[];
  /** --header values, applied over the original headers. */
  headers?: Record<string, string>;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Further attempts on network errors, 5xx and 429 (default 3). */
  retries?: number;
  /** Consecutive failures that open a target's circuit (default 5) and how long it stays open (default 10 s). */
  breakerThreshold?: number;
  breakerResetMs?: number;
  retryBaseMs?: number;
  clock?: Clock;
  random?: () => number;
  /** Defaults to a node:http sink owned (and closed) by this forwarder. */
  http?: HttpSinkPort;
}

/**
 * Forwards each event to its route's URL (or --forward-to): the exact body bytes, the original headers minus
 * hop-by-hop ones, plus --header; retried through core/retry, one circuit breaker per target.
 */
export class HttpForwardSink implements EventSink {
  readonly name = 'http';
  private readonly routes: { match: RegExp; url: string }[];
  private readonly breakers: BreakerRegistry;
  private readonly http: HttpSinkPort;
  private readonly ownsHttp: boolean;

  constructor(private readonly options: HttpForwardOptions) {
    this.routes = (options.routes ?? []).map((r) => ({ match: globToRegExp(r.pattern), url: r.url }));
    this.breakers = new BreakerRegistry({
      failureThreshold: options.breakerThreshold ?? 5,
      resetTimeoutMs: options.breakerResetMs ?? 10_000,
      clock: options.clock,
    });
    this.ownsHttp = options.http === undefined;
    this.http = options.http ?? createNodeHttpSink();
  }

  /** The URL an event goes to, or null when neither a route nor --forward-to takes it. */
  target(type: string | null): string | null {
    if (type) {
      for (const route of this.routes) if (route.match.test(type)) return route.url;
    }
    return this.options.forwardTo ?? null;
  }

  async deliver(event: ReceivedEvent, signal: AbortSignal): Promise<DeliveryOutcome | null> {
    const url = this.target(event.type);
    if (!url) return null;
    return deliver(
      this.http,
      {
        url,
        method: 'POST',
        headers: forwardableHeaders(event.headers, this.options.headers),
        body: event.body,
        timeoutMs: this.options.timeoutMs ?? 30_000,
      },
      {
        retries: this.options.retries ?? 3,
        breaker: this.breakers.for(url),
        clock: this.options.clock,
        random: this.options.random,
        baseMs: this.options.retryBaseMs,
        signal,
      },
    );
  }

  close(): void {
    if (this.ownsHttp) this.http.close();
  }
}

/** Parses `pattern=url` (the first `=` splits, so URLs may carry query strings). */
export function parseRoute(value: string): Route | null {
  const at = value.indexOf('=');
  if (at <= 0) return null;
  const pattern = value.slice(0, at).trim();
  const url = value.slice(at + 1).trim();
  if (!pattern || !/^https?:\/\//i.test(url)) return null;
  return { pattern, url };
}
