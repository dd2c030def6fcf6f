import { parseProvider, verifyWebhook, type FailureCode, type Provider } from '../../adapters/webhooks/index.js';
import { getSetting, requireSetting } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { CheckFailedError, UsageError, isSwitchyardError } from '../../core/errors.js';
import { envelopeBody, readFixtureFile, type ParsedFixture } from '../../core/fixtures.js';
import { parseInteger } from '../../core/parse.js';

export interface VerifyInput {
  files: string[];
  provider?: string;
  /** Seconds, as typed; default 300. */
  tolerance?: string;
  ignoreTime?: boolean;
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
  toleranceSec: number;
  ignoreTime: boolean;
  nowSec?: number;
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
  const secret = requireSetting(ctx.config, 'webhookSecret', 'pass --secret or set SWITCHYARD_WEBHOOK_SECRET (or STRIPE_WEBHOOK_SECRET)');
  const opts: Options = {
    secret,
    provider: input.provider !== undefined ? parseProvider(input.provider, true) : undefined,
    fallback: getSetting(ctx.config, 'webhookProvider') ?? 'auto',
    toleranceSec: parseInteger(input.tolerance ?? '300', '--tolerance', 1),
    ignoreTime: input.ignoreTime === true,
    nowSec: input.nowSec,
  };
  const fixtures = readAllFixtures(input.files);
  const results = input.files.map((file, i) => verifyParsed(file, fixtures[i]!, opts));
  render(ctx, results);

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
