import type { KeyObject } from 'node:crypto';

/** The signature schemes built into switchyard; `--scheme` and the config file's `schemes` add named ones. */
export const PROVIDERS = [
  'stripe', 'github', 'standard', 'shopify', 'slack', 'twilio', 'sendgrid', 'discord', 'paddle', 'square', 'zoom',
  'linear', 'hubspot', 'typeform', 'intercom', 'mailgun',
] as const;
export type BuiltinProvider = (typeof PROVIDERS)[number];
/** A scheme's name: a built-in provider or a custom scheme's name. */
export type Provider = string;

/** Request headers with lower-case names. */
export type Headers = Record<string, string>;

export interface SignOptions {
  /** The raw body: signatures cover bytes, so it is never re-serialised (mailgun, which signs inside it, aside). */
  body: Buffer;
  secret: string;
  /** Unix seconds (ignored by schemes without a timestamp). */
  timestampSec: number;
  /** Message id for schemes that sign one (Standard Webhooks' webhook-id); generated when absent. */
  id?: string;
  /** The URL the provider calls, for schemes that sign it (twilio, square, hubspot). */
  url?: string;
  /** Default POST. */
  method?: string;
  /** The request's other headers (content-type tells twilio form parameters from a JSON body). */
  headers?: Headers;
  /** For asymmetric schemes (discord, sendgrid). */
  privateKey?: KeyObject;
}

export interface VerifyOptions {
  body: Buffer;
  headers: Headers;
  secret: string;
  nowSec: number;
  toleranceSec: number;
  /** Skip the timestamp check (replaying old fixtures). */
  ignoreTime?: boolean;
  /** The URL the provider called, for schemes that sign it. */
  url?: string;
  /** Default POST. */
  method?: string;
  /** For asymmetric schemes (discord, sendgrid). */
  publicKey?: KeyObject;
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
  | 'unsigned'
  | 'url_mismatch'
  | 'missing_url'
  | 'missing_key';

export interface VerifyOutcome {
  valid: boolean;
  /** Null when valid; otherwise one human sentence saying why (and what would have verified). */
  reason: string | null;
  code?: FailureCode;
  /** The signed timestamp, when the scheme has one. */
  timestampSec?: number;
}

/** What signing gives: the signature headers, and the body or URL when the scheme had to change them. */
export interface SignedParts {
  headers: Headers;
  /** Set only by schemes that sign inside the body (mailgun). */
  body?: Buffer;
  /** Set only when the URL must change to be signed (twilio adds bodySHA256 for a JSON body). */
  url?: string;
}

/** One provider's signature scheme: which headers carry it, how to sign and how to check. */
export interface SignatureScheme {
  readonly provider: Provider;
  /** The provider's name as people write it, e.g. "GitHub". */
  readonly label: string;
  /** What verifies it: a shared secret, or the provider's public key (sign takes the private key). */
  readonly key: 'secret' | 'public-key';
  /** True when the URL the provider called is part of what is signed. */
  readonly signsUrl?: boolean;
  /** Headers that carry (or are signed with) the signature: replaced when a fixture is re-signed. */
  readonly signatureHeaders: readonly string[];
  /** Headers that name the sender even when the signature is missing. */
  readonly senderHeaders?: readonly string[];
  /** Tolerance when none is given (seconds); default 300. */
  readonly defaultToleranceSec?: number;
  /** The status a listener answers a bad signature with (Discord expects 401); default 400. */
  readonly rejectStatus?: number;
  /** True when the request carries this scheme's signature (used by --provider auto). */
  matches(headers: Headers, body?: Buffer): boolean;
  /** The signature headers to send with `body`. */
  sign(options: SignOptions): SignedParts;
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
