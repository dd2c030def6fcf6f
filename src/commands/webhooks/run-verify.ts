import type { KeyObject } from 'node:crypto';
import { parseProvider, verifyWebhook, type FailureCode, type Provider, type SchemeCatalog } from '../../adapters/webhooks/index.js';
import { getSetting } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { CheckFailedError, ConfigError, UsageError, isSwitchyardError } from '../../core/errors.js';
import { envelopeBody, readFixtureFile, type FixtureEnvelope, type ParsedFixture } from '../../core/fixtures.js';
import { parseInteger } from '../../core/parse.js';
import { providerWithScheme, publicKeyOption, schemeCatalog, urlOption } from '../../adapters/webhooks/options.js';

export interface VerifyInput {
  files: string[];
  provider?: string;
  /** Seconds, as typed; default the scheme's own (300 for most). */
  tolerance?: string;
  ignoreTime?: boolean;
  /** The URL the provider called (URL-signing schemes); default the envelope's. */
  url?: string;
  /** --scheme: a custom HMAC scheme. */
  scheme?: string;
  /** Now, in unix seconds (tests). */
  nowSec?: number;
}

/** One line of `webhooks verify` output. */
export interface FileResult {
  file: string;
  provider: Provider | null;
  valid: boolean;
  reason: string | null;
  code?: FailureCode;
}

interface Options {
  secret: string;
  provider?: Provider | 'auto';
  fallback: Provider | 'auto';
  toleranceSec?: number;
  ignoreTime: boolean;
  nowSec?: number;
  url?: string;
  publicKey?: KeyObject;
  catalog?: SchemeCatalog;
}

/**
 * The URL an envelope was sent to: its own `url`, else rebuilt from the Host (or X-Forwarded-Host) header, the
 * X-Forwarded-Proto (https when absent: providers call https) and the recorded path.
 */
export function envelopeUrl(envelope: FixtureEnvelope): string | undefined {
  if (envelope.url) return envelope.url;
  const h = envelope.headers;
  const host = h['x-forwarded-host']?.split(',')[0]?.trim() || h.host;
  if (!host) return undefined;
  const proto = h['x-forwarded-proto']?.split(',')[0]?.trim() || 'https';
  return `${proto}://${host}${envelope.path.startsWith('/') ? envelope.path : `/${envelope.path}`}`;
}

/** Verifies one parsed fixture: the flag's provider, else the envelope's, else the configured one (default auto). */
export function verifyParsed(file: string, parsed: ParsedFixture, opts: Options): FileResult {
  if (parsed.kind === 'body') {
    const provider = opts.provider && opts.provider !== 'auto' ? opts.provider : null;
    const reason = 'unsigned: a bare event body, not a recorded webhook with signature headers (sign it with switchyard webhooks sign)';
    return { file, provider, valid: false, reason, code: 'unsigned' };
  }
  const { envelope } = parsed;
  const result = verifyWebhook({
    provider: opts.provider ?? envelope.provider ?? opts.fallback,
    body: envelopeBody(envelope),
    headers: envelope.headers,
    secret: opts.secret,
    nowSec: opts.nowSec,
    toleranceSec: opts.toleranceSec,
    ignoreTime: opts.ignoreTime,
    url: opts.url ?? envelopeUrl(envelope),
    method: envelope.method,
    publicKey: opts.publicKey,
    catalog: opts.catalog,
  });
  return { file, ...result };
}

/** Reads every file first, so that a bad file stops the run before anything that could pass for a result is printed. */
function readAllFixtures(files: string[]): ParsedFixture[] {
  const parsed: ParsedFixture[] = [];
  const bad: { file: string; error: UsageError }[] = [];
  for (const file of files) {
    try {
      const fixture = readFixtureFile(file);
      if (fixture.kind === 'body' && !fixture.json) {
        throw new UsageError(`${file}: not a fixture: the file is not JSON`, {
          hint: 'verify needs a recorded envelope with "headers" and "body" (see fixtures/README.md)',
        });
      }
      parsed.push(fixture);
    } catch (error) {
      if (!isSwitchyardError(error)) throw error;
      bad.push({ file, error: error as UsageError });
    }
  }
  const first = bad[0];
  if (first) {
    const others = bad.slice(1).map((b) => b.file);
    const more = others.length ? ` (and ${others.length} more bad file${others.length > 1 ? 's' : ''}: ${others.join(', ')})` : '';
    throw new UsageError(first.error.message + more, { hint: first.error.hint, cause: first.error.cause });
  }
  return parsed;
}

/**
 * Verifies each file and prints one line per file (NDJSON `{file, provider, valid, reason}` under --json).
 * Throws UsageError (exit 2, nothing printed) when a file is unreadable or not a fixture, and CheckFailedError
 * (exit 1) after printing every result when any did not verify.
 */
export async function runVerify(ctx: Context, input: VerifyInput): Promise<FileResult[]> {
  const secret = getSetting(ctx.config, 'webhookSecret');
  const publicKey = publicKeyOption(ctx);
  if (!secret && !publicKey) {
    throw new ConfigError('SWITCHYARD_WEBHOOK_SECRET is not set', {
      hint: 'pass --secret or set SWITCHYARD_WEBHOOK_SECRET (or STRIPE_WEBHOOK_SECRET); discord and sendgrid verify with --public-key',
    });
  }
  const catalog = schemeCatalog(ctx, input.scheme);
  const provider = providerWithScheme(input.provider, catalog, input.scheme);
  const opts: Options = {
    secret: secret ?? '',
    provider: provider !== undefined ? parseProvider(provider, true, catalog) : undefined,
    fallback: parseProvider(getSetting(ctx.config, 'webhookProvider') ?? 'auto', true, catalog),
    toleranceSec: input.tolerance === undefined ? undefined : parseInteger(input.tolerance, '--tolerance', 1),
    ignoreTime: input.ignoreTime === true,
    nowSec: input.nowSec,
    url: urlOption(input.url, '--url'),
    publicKey,
    catalog,
  };
  const fixtures = readAllFixtures(input.files);
  for (const [i, fixture] of fixtures.entries()) {
    const named = fixture.kind === 'envelope' ? fixture.envelope.provider : undefined;
    if (opts.provider === undefined && named !== undefined) catalog.require(named, `provider in ${input.files[i]}`);
  }
  const results = input.files.map((file, i) => verifyParsed(file, fixtures[i]!, opts));
  render(ctx, results);

  const unchecked = results.filter((r) => r.code === 'missing_key' || r.code === 'missing_url');
  if (unchecked.length > 0) {
    throw new UsageError(`${unchecked.length} webhook${unchecked.length > 1 ? 's' : ''} could not be checked: ${unchecked[0]!.reason}`);
  }

  const failed = results.filter((r) => !r.valid);
  if (failed.length > 0) {
    const stale = !opts.ignoreTime && failed.some((r) => r.code === 'timestamp_outside_tolerance');
    throw new CheckFailedError(
      `${failed.length} of ${results.length} webhook${results.length > 1 ? 's' : ''} did not verify`,
      { hint: stale ? 'recorded fixtures carry old timestamps: pass --ignore-time to check only the signature' : undefined },
      'invalid_signature',
    );
  }
  return results;
}

function render(ctx: Context, results: FileResult[]): void {
  const { out } = ctx;
  if (out.json) {
    for (const r of results) out.jsonLine({ file: r.file, provider: r.provider, valid: r.valid, reason: r.reason });
    return;
  }
  const fileWidth = Math.max(...results.map((r) => r.file.length));
  const providerWidth = Math.max(...results.map((r) => (r.provider ?? '-').length));
  for (const r of results) {
    const mark = r.valid ? out.color.green('✔') : out.color.red('✘');
    const verdict = r.valid ? out.color.green('valid') : (r.reason ?? 'invalid');
    out.line(`${mark} ${r.file.padEnd(fileWidth)}  ${(r.provider ?? '-').padEnd(providerWidth)}  ${verdict}`);
  }
}
