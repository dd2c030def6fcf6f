import type { DeliveryOutcome } from '../adapters/http/deliver.js';
import type { Headers } from '../adapters/webhooks/scheme.js';
import type { ReceivedEvent } from '../listener/types.js';
import type { AttemptJson, DeliveryDetail, DeliverySummary } from './shapes.js';

/** What the inspector keeps of a request: the listener's event as it is (no copy), or one rebuilt from a fixture. */
export type DeliveryData = Omit<ReceivedEvent, 'seq' | 'status'> & {
  status: number | null;
  /** The body's length, where reading `body` would copy it. */
  bytes?: number;
};

/** A delivery and its timeline. `order` sorts newest first within its source. */
export interface Delivery {
  id: string;
  order: number;
  source: 'live' | 'record';
  ev: DeliveryData;
  attempts: AttemptJson[];
  /** Set when `reason` is the listener's "no secret" note rather than a failure. */
  unchecked: boolean;
}

/** The body's length, without the copy that reading a live delivery's body makes. */
export function bodyBytes(ev: DeliveryData): number {
  return ev.bytes ?? ev.body.length;
}

export function attemptFromOutcome(
  n: number,
  outcome: DeliveryOutcome,
  extra: Pick<AttemptJson, 'kind' | 'mode' | 'resigned' | 'sent'>,
  at = new Date(),
): AttemptJson {
  return {
    n,
    ...extra,
    at: at.toISOString(),
    target: outcome.url,
    status: outcome.status,
    ok: outcome.ok,
    latencyMs: outcome.latencyMs,
    tries: outcome.attempts,
    error: outcome.error,
    retryReasons: outcome.retryReasons ?? [],
    responseHeaders: outcome.responseHeaders ? flatHeaders(outcome.responseHeaders) : null,
    responseBody: outcome.responseBody ?? null,
  };
}

function flatHeaders(headers: NonNullable<DeliveryOutcome['responseHeaders']>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function verdictOf(d: Delivery): DeliverySummary['verdict'] {
  if (d.ev.verified) return 'verified';
  return d.unchecked ? 'unchecked' : 'failed';
}

export function summarise(d: Delivery): DeliverySummary {
  const { ev } = d;
  const last = d.attempts[d.attempts.length - 1];
  return {
    id: d.id,
    source: d.source,
    receivedAt: ev.receivedAt,
    method: ev.method,
    path: ev.path,
    bytes: bodyBytes(ev),
    provider: ev.provider,
    type: ev.type,
    eventId: ev.id,
    verdict: verdictOf(d),
    reason: ev.reason,
    answer: ev.status,
    duplicate: ev.duplicate,
    skipped: ev.skipped,
    recorded: ev.recorded,
    forward: last ? { status: last.status, ok: last.ok, latencyMs: last.latencyMs, target: last.target } : null,
    attempts: d.attempts.length,
  };
}

export function detail(d: Delivery): DeliveryDetail {
  const headers: Headers = {};
  for (const name in d.ev.headers) headers[name] = d.ev.headers[name]!;
  return {
    ...summarise(d),
    request: { method: d.ev.method, path: d.ev.path, headers, raw: d.ev.body.toString('base64') },
    timeline: d.attempts,
  };
}
