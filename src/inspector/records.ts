import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { detectProvider, eventInfo, publicUrlFor, verifyWebhook, type Provider, type SchemeCatalog } from '../adapters/webhooks/index.js';
import { envelopeBody, parseFixture } from '../core/fixtures.js';
import type { Delivery } from './delivery.js';

const RECORDING = /^(\d+)-.*\.json$/;

/** A recording's file and its arrival number (the listener's recorder numbers files in arrival order). */
export interface RecordFile {
  name: string;
  n: number;
}

export const recordId = (n: number) => `r${n}`;

/** The recordings in `dir`, newest first; a missing folder has none. */
export async function listRecordFiles(dir: string): Promise<RecordFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files: RecordFile[] = [];
  for (const name of names) {
    const match = RECORDING.exec(name);
    if (match) files.push({ name, n: Number(match[1]) });
  }
  return files.sort((a, b) => b.n - a.n);
}

/** What recordings are checked with: the listener's (or `inspect`'s) --secret, --provider, --public-key, --public-url, --scheme. */
export interface VerifyWith {
  secret?: string;
  provider: Provider | 'auto';
  publicKey?: KeyObject;
  /** For URL-signing schemes, when a recording does not carry the URL the provider called. */
  publicUrl?: string;
  catalog?: SchemeCatalog;
}

/** True when deliveries can be checked at all (a secret, or a public key for discord and sendgrid). */
export const canVerify = (v: VerifyWith) => Boolean(v.secret || v.publicKey);

/** The URL a URL-signing scheme signed: the one the recording (or the listener) kept, else --public-url plus its path. */
export function signedUrlOf(url: string | null | undefined, path: string, publicUrl: string | undefined): string | undefined {
  return url ?? (publicUrl ? publicUrlFor(publicUrl, path) : undefined);
}

/**
 * A recording as a delivery, verified the way `webhooks verify` does, as of its arrival time (a recording is old by
 * nature; its timestamp is judged against when it came). Null when the file is not a fixture envelope.
 */
export async function loadRecord(dir: string, file: RecordFile, verify: VerifyWith): Promise<Delivery | null> {
  let parsed;
  try {
    parsed = parseFixture(await readFile(join(dir, file.name)), file.name);
  } catch {
    return null;
  }
  if (parsed.kind !== 'envelope') return null;
  const { envelope } = parsed;
  const body = envelopeBody(envelope);
  const headers = envelope.headers;
  const arrived = Date.parse(envelope.receivedAt ?? '');
  const receivedAt = Number.isFinite(arrived) ? new Date(arrived).toISOString() : new Date(0).toISOString();
  let provider: Provider | null =
    envelope.provider ?? (verify.provider !== 'auto' ? verify.provider : null) ?? detectProvider(headers, body, verify.catalog) ?? null;
  let verified = false;
  let reason: string | null = 'not checked: no --secret or --public-key was given';
  if (canVerify(verify)) {
    const result = verifyWebhook({
      provider: provider ?? 'auto',
      body,
      headers,
      secret: verify.secret ?? '',
      // URL-signing schemes (twilio, square, hubspot) are checked against the URL the recording kept, else --public-url.
      url: signedUrlOf(envelope.url, envelope.path, verify.publicUrl),
      method: envelope.method,
      // Without an arrival time the timestamp is judged against now.
      nowSec: Number.isFinite(arrived) ? Math.floor(arrived / 1000) : undefined,
      publicKey: verify.publicKey,
      catalog: verify.catalog,
    });
    provider = result.provider ?? provider;
    verified = result.valid;
    reason = result.reason;
  }
  let info: { type?: string; id?: string } = {};
  try {
    info = eventInfo(provider, headers, body);
  } catch {
    // A body that is not what its headers claim has no type or id; it is still shown.
  }
  return {
    id: recordId(file.n),
    order: file.n,
    source: 'record',
    unchecked: !canVerify(verify),
    attempts: [],
    ev: {
      receivedAt,
      method: envelope.method,
      path: envelope.path,
      headers,
      body,
      status: null,
      provider,
      type: info.type ?? null,
      id: info.id ?? null,
      verified,
      reason,
      duplicate: false,
      skipped: false,
      recorded: join(dir, basename(file.name)),
      url: envelope.url ?? null,
    },
  };
}
