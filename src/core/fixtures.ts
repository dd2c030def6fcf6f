import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
// zod/mini, as in config.ts: the classic API costs tens of milliseconds at start-up, which `webhooks verify` cannot afford.
import * as z from 'zod/mini';
import { UsageError } from './errors.js';


/**
 * A recorded webhook: method, path, lower-case headers and the exact raw body. `body` is UTF-8 text; a body that is
 * not valid UTF-8 is stored in base64 with `bodyEncoding: "base64"`, so every byte survives.
 */
const text = (what = 'a string') => z.string({ error: `must be ${what}` });
export const FixtureEnvelope = z.object({
  // A built-in provider or a custom scheme's name; which names exist is checked where the scheme is used.
  provider: z.optional(text('a scheme name').check(z.regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a scheme name such as stripe or twilio (lower case)'))),
  method: z._default(text().check(z.minLength(1, 'must not be empty')), 'POST'),
  path: z._default(text(), '/'),
  receivedAt: z.optional(text('an ISO 8601 time string')),
  /** The URL the provider called, kept for schemes that sign it (twilio, square, hubspot). */
  url: z.optional(text('the URL the provider called')),
  headers: z.record(z.string(), text('a string (one header value)'), { error: 'must be an object of strings' }),
  body: text('the raw body as a string'),
  bodyEncoding: z.optional(z.enum(['utf8', 'base64'], { error: 'must be "utf8" or "base64"' })),
});
export type FixtureEnvelope = z.infer<typeof FixtureEnvelope>;

/**
 * A fixture file: a signed envelope, or a bare body (`json` tells whether it parsed as JSON; `value` is what it
 * parsed to, kept so that replay does not parse it again, absent when a byte-order mark was skipped to parse it).
 */
export type ParsedFixture = { kind: 'envelope'; envelope: FixtureEnvelope } | { kind: 'body'; body: Buffer; json: boolean; value?: unknown };

const ENVELOPE_KEYS = ['provider', 'method', 'path', 'receivedAt', 'headers', 'body', 'bodyEncoding', 'url'];

/**
 * Reads a fixture file's text: a JSON object with at least two envelope keys (provider, method, path, receivedAt,
 * headers, body) is an envelope and must be a valid one (else a UsageError naming `source` and what is wrong);
 * text that starts like JSON ({ or [) but does not parse is invalid too; any other content is a bare body.
 */
export function parseFixture(text: string | Buffer, source: string): ParsedFixture {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const text8 = bytes.toString('utf8');
  const str = text8.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = /^\s*[[{"\d\-tfn]/.test(str) ? JSON.parse(str) : undefined;
  } catch (error) {
    // Text that opens like a JSON object or array but does not parse is a broken file (truncated, hand-edited),
    // never a body to sign and send as it is.
    if (/^\s*[[{]/.test(str)) {
      throw new UsageError(`${source}: invalid fixture: not valid JSON (${(error as Error).message})`, {
        hint: 'fix or re-record the file; a body that is not JSON must not start with { or [',
      });
    }
    return { kind: 'body', body: bytes, json: false };
  }
  if (value === undefined) return { kind: 'body', body: bytes, json: false };
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const keys = isObject ? Object.keys(value as object).filter((k) => ENVELOPE_KEYS.includes(k)) : [];
  if (keys.length < 2) return str.length === text8.length ? { kind: 'body', body: bytes, json: true, value } : { kind: 'body', body: bytes, json: true };
  return { kind: 'envelope', envelope: validateEnvelope(value as Record<string, unknown>, source) };
}

function validateEnvelope(value: Record<string, unknown>, source: string): FixtureEnvelope {
  const hint = 'a fixture envelope needs "headers" (an object of strings) and "body" (the raw body as a string); see fixtures/README.md';
  for (const key of ['headers', 'body']) {
    if (!(key in value)) throw new UsageError(`${source}: invalid fixture: the envelope has no "${key}"`, { hint });
  }
  if (typeof value.body === 'object' && value.body !== null) {
    throw new UsageError(`${source}: invalid fixture: "body" is parsed JSON, not the raw body as a string`, {
      hint: 'a signature covers bytes: store the body exactly as received, as one JSON string',
    });
  }
  const parsed = FixtureEnvelope.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `"${issue.path.join('.')}"` : 'the envelope';
    throw new UsageError(`${source}: invalid fixture: ${where} ${issue?.message ?? 'is invalid'}`, { hint });
  }
  const envelope = parsed.data;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(envelope.headers)) headers[k.toLowerCase()] = v;
  if (envelope.bodyEncoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(envelope.body)) {
    throw new UsageError(`${source}: invalid fixture: "body" is not valid base64 although bodyEncoding is "base64"`);
  }
  return { ...envelope, headers };
}

/** Reads and parses a fixture file; an unreadable file is a UsageError naming it and why. */
export function readFixtureFile(path: string): ParsedFixture {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`${path}: cannot read fixture: ${why}`, { cause: error });
  }
  return parseFixture(bytes, path);
}

/** The envelope's raw body bytes. */
export function envelopeBody(envelope: FixtureEnvelope): Buffer {
  return Buffer.from(envelope.body, envelope.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}

/** An envelope for raw body bytes: UTF-8 text when the bytes are valid UTF-8, base64 otherwise. */
export function createEnvelope(fields: Omit<FixtureEnvelope, 'body' | 'bodyEncoding'>, body: Buffer): FixtureEnvelope {
  const text = body.toString('utf8');
  const exact = Buffer.from(text, 'utf8').equals(body);
  const envelope: FixtureEnvelope = { ...fields, body: exact ? text : body.toString('base64') };
  if (!exact) envelope.bodyEncoding = 'base64';
  return envelope;
}

/** The file text of an envelope: pretty JSON (harmless: the body is one string) with a final newline. */
export function serializeFixture(envelope: FixtureEnvelope): string {
  return JSON.stringify(envelope, null, 2) + '\n';
}

/**
 * Writes an envelope atomically (never half a file; see writeFileAtomic), creating the directory. Returns the
 * final path.
 */
export async function writeFixtureAtomic(dir: string, fileName: string, envelope: FixtureEnvelope): Promise<string> {
  if (basename(fileName) !== fileName || fileName.startsWith('.')) {
    throw new UsageError(`invalid fixture file name "${fileName}"`);
  }
  const final = join(dir, fileName);
  // Loaded here: its node:fs/promises costs `webhooks verify`, which only reads fixtures, 3 ms of start-up.
  const { writeFileAtomic } = await import('./atomic-write.js');
  await writeFileAtomic(final, serializeFixture(envelope));
  return final;
}
