/** The webhook signature schemes switchyard signs and verifies. */
export type Provider = 'stripe' | 'github' | 'standard' | 'shopify' | 'slack';
export const PROVIDERS: readonly Provider[] = ['stripe', 'github', 'standard', 'shopify', 'slack'];

/** Request headers with lower-case names. */
export type Headers = Record<string, string>;

export interface SignOptions {
  /** The raw body: signatures cover bytes, so it is never re-serialised. */
  body: Buffer;
  secret: string;
  /** Unix seconds (ignored by schemes without a timestamp). */
  timestampSec: number;
  /** Message id for Standard Webhooks (webhook-id); generated when absent. */
  id?: string;
}

export interface VerifyOptions {
  body: Buffer;
  headers: Headers;
  secret: string;
  nowSec: number;
  toleranceSec: number;
  /** Skip the timestamp check (replaying old fixtures). */
  ignoreTime?: boolean;
}

/** Why a verification failed, as a stable machine code. */
export type FailureCode =
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_outside_tolerance'
  | 'signature_mismatch'
  | 'secret_prefix'
  | 'secret_invalid'
  | 'body_reserialised'
  | 'line_endings'
  | 'other_provider'
  | 'unsigned';

export interface VerifyOutcome {
  valid: boolean;
  /** Null when valid; otherwise one human sentence saying why (and what would have verified). */
  reason: string | null;
  code?: FailureCode;
  /** The signed timestamp, when the scheme has one. */
  timestampSec?: number;
}

/** One provider's signature scheme: which headers carry it, how to sign and how to check. */
export interface SignatureScheme {
  readonly provider: Provider;
  /** True when the headers carry this scheme's signature (used by --provider auto). */
  matches(headers: Headers): boolean;
  /** The signature headers to send with `body`. */
  sign(options: SignOptions): Headers;
  /** Checks the signature in constant time; never throws for bad input, it reports it. */
  verify(options: VerifyOptions): VerifyOutcome;
}

/** What the listener and replay need to know of an event, whatever its provider. */
export interface EventInfo {
  /** e.g. payment_intent.succeeded, push, orders/create, event_callback */
  type?: string;
  /** Provider's event or delivery id, used to spot duplicates (evt_…, webhook-id, x-github-delivery). */
  id?: string;
}
