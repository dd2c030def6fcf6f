// The JSON the inspector's API and event stream carry; shared by the server and the page (no Node imports here).

/** One try at getting a delivery to a target: the listener's own forward, or a replay from the page or API. */
export interface AttemptJson {
  /** 1-based position in the delivery's timeline. */
  n: number;
  kind: 'forward' | 'replay';
  /** For replays: as recorded, re-signed with a fresh timestamp, or edited in the page (and re-signed when a secret is set). */
  mode: 'original' | 'resigned' | 'edited' | null;
  /** True when the request sent carried a signature made now with the configured secret. */
  resigned: boolean;
  at: string;
  target: string;
  status: number | null;
  ok: boolean;
  latencyMs: number | null;
  /** HTTP attempts inside this try (the listener retries 5xx, 429 and network errors). */
  tries: number;
  error: string | null;
  retryReasons: string[];
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  /** What an edited replay sent (headers and base64 body), so it can be compared with the original. */
  sent: { headers: Record<string, string>; raw: string } | null;
}

/** A row of the list. */
export interface DeliverySummary {
  id: string;
  /** `live`: seen by this listener run; `record`: read from the record folder. */
  source: 'live' | 'record';
  receivedAt: string;
  method: string;
  path: string;
  bytes: number;
  provider: string | null;
  type: string | null;
  eventId: string | null;
  /** `verified`, `failed` (a signature that did not verify, or a refused request), or `unchecked` (no secret). */
  verdict: 'verified' | 'failed' | 'unchecked';
  /** Why it failed or was not checked, in the words `webhooks verify` uses; null when verified. */
  reason: string | null;
  /** The listener's answer to the sender; null for a recorded delivery (not recorded). */
  answer: number | null;
  duplicate: boolean;
  skipped: boolean;
  recorded: string | null;
  /** The latest attempt's outcome, if any. */
  forward: { status: number | null; ok: boolean; latencyMs: number | null; target: string } | null;
  attempts: number;
}

/** One delivery in full: its exact bytes (base64) and its timeline. */
export interface DeliveryDetail extends DeliverySummary {
  request: { method: string; path: string; headers: Record<string, string>; raw: string };
  timeline: AttemptJson[];
}

/** GET /api/requests/http */
export interface ListJson {
  uri: string;
  requests: DeliverySummary[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  next: string | null;
  /** The event-stream position this list is current at: open /api/events?since=<it> to miss nothing. */
  eventId: string;
}

/** GET /api/config */
export interface ConfigJson {
  mode: 'listen' | 'record';
  /** Where replays may go; nothing else is accepted. */
  targets: string[];
  canResign: boolean;
  /** Providers that sign with their own private key: their deliveries are never re-signed (replayed as recorded). */
  keySigned: string[];
  provider: string;
  recordDir: string | null;
  keep: number;
  listenerUrl: string | null;
}

/** POST /api/requests/http/:id/replay */
export interface ReplayRequestJson {
  mode?: 'original' | 'resigned' | 'edited';
  target?: string;
  /** For `edited`: the body as text, or `bodyBase64` for bytes. */
  body?: string;
  bodyBase64?: string;
  headers?: Record<string, string>;
}

export const FILTER_KEYS = ['provider', 'verdict', 'duplicate', 'skipped', 'status', 'q'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;
