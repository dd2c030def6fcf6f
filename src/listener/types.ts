import type { DeliveryOutcome } from '../adapters/http/deliver.js';
import type { KeyObject } from 'node:crypto';
import type { SchemeCatalog } from '../adapters/webhooks/catalog.js';
import type { Headers, Provider } from '../adapters/webhooks/scheme.js';
import type { Clock } from '../core/clock.js';

/** One request the listener answered, with what it made of it. */
export interface ReceivedEvent {
  /** Arrival number, from 1. */
  seq: number;
  /** ISO time of arrival. */
  receivedAt: string;
  method: string;
  /** Path and query as received. */
  path: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Headers;
  body: Buffer;
  /** The status the listener answered with. */
  status: number;
  provider: Provider | null;
  type: string | null;
  id: string | null;
  verified: boolean;
  /** Why it was not verified or not accepted; null when verified. */
  reason: string | null;
  duplicate: boolean;
  skipped: boolean;
  /** The fixture file written for it, or null. */
  recorded: string | null;
  /** The URL the provider called, when --public-url says it (recorded for URL-signing schemes). */
  url?: string | null;
}

/** Where accepted events go: HTTP targets, a queue, the demo's in-memory sink. */
export interface EventSink {
  /** Shown in logs, e.g. "http" or "queue orders". */
  readonly name: string;
  /** Delivers one event; null when this sink does not take it (no route matched). Never throws for the target's faults. */
  deliver(event: ReceivedEvent, signal: AbortSignal): Promise<DeliveryOutcome | null>;
  close?(): Promise<void> | void;
}

/** One `--json` line: what was received, its verification, and every delivery with status and latency. */
export interface ListenerEventRecord extends Omit<ReceivedEvent, 'seq' | 'headers' | 'body'> {
  /** Size of the body. */
  bytes: number;
  forwards: DeliveryOutcome[];
}

export interface ListenerOptions {
  /** Default 127.0.0.1: the listener is reachable from other machines only when asked. */
  host?: string;
  /** Default 4242; 0 picks a free port. */
  port?: number;
  /** Only requests under this path are taken (segment prefix); default `/` takes every path. */
  path?: string;
  /** Without a secret, requests are accepted and marked unverified. */
  secret?: string;
  /** Default `auto`: the scheme is picked from the headers. */
  provider?: Provider | 'auto';
  /** Verifies discord and sendgrid webhooks (the listener verifies when it has a secret or this). */
  publicKey?: KeyObject;
  /** The URL the provider calls, when a tunnel or proxy is in front (URL-signing schemes need it). */
  publicUrl?: string;
  /** Custom schemes (--scheme, the config file's) besides the built-in ones. */
  catalog?: SchemeCatalog;
  toleranceSec?: number;
  /** Default 1 MiB; larger bodies get 413. */
  maxBodyBytes?: number;
  /** Event-type globs to take; others are answered 2xx and skipped. */
  events?: string[];
  /** Directory where each accepted event becomes a fixture envelope. */
  recordDir?: string;
  sinks?: EventSink[];
  /** How many event ids are remembered for duplicate detection (default 10,000). */
  dedupeCapacity?: number;
  /** Events being delivered at once; past it the listener answers 503 so the provider retries later (default 1,000). */
  maxPending?: number;
  /** Time for headers to arrive (default 10 s) and for the whole request (default 30 s). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  clock?: Clock;
}

/** Totals shown when the listener stops. */
export interface ListenerStats {
  received: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  skipped: number;
  recorded: number;
  forwarded: number;
  forwardFailures: number;
}
