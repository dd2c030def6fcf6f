import { parseHeaderFlags } from '../adapters/http/headers.js';
import { parseProvider } from '../adapters/webhooks/index.js';
import type { Provider } from '../adapters/webhooks/scheme.js';
import { getSetting } from '../core/config.js';
import { LineBatch } from '../core/line-batch.js';
import type { Context } from '../core/context.js';
import { CheckFailedError, InterruptedError, UnavailableError, UsageError } from '../core/errors.js';
import { parseDuration, parseInteger, parseList } from '../core/parse.js';
import { parseUrl } from '../listener/flags.js';
import { replayFixtures, type ReplayResult, type ReplaySummary } from './engine.js';
import { loadFixtures } from './load.js';
import { privateKeyOption, providerWithScheme, schemeCatalog } from '../adapters/webhooks/options.js';

/** The raw options commander hands to `webhooks replay`. */
export interface ReplayFlags {
  to: string;
  secret?: string;
  provider?: string;
  keepSignature?: boolean;
  concurrency: string;
  rate?: string;
  retries: string;
  timeout: string;
  events?: string;
  header: string[];
  privateKey?: string;
  scheme?: string;
}

/** `--rate 50` or `--rate 50/s`: fixtures started per second. */
export function parseRate(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(?:\/\s*s(?:ec)?)?$/i.exec(value.trim());
  const rate = match ? Number(match[1]) : NaN;
  if (!(rate > 0)) throw new UsageError(`invalid --rate "${value}"`, { hint: 'write fixtures per second, e.g. 50 or 50/s' });
  return rate;
}

function line(ctx: Context, r: ReplayResult): string {
  const c = ctx.out.color;
  const what = `${r.type ?? '(no type)'} [${r.id ?? '-'}]`;
  if (r.skipped) return `${c.dim('[skip]')} ${r.file}  ${what} ${c.dim('not in --events')}`;
  const status = r.status === null ? c.red('[ERR]') : r.ok ? c.green(`[${r.status}]`) : c.red(`[${r.status}]`);
  const parts = [`${status} ${r.file}  ${what}`];
  if (r.latencyMs !== null) parts.push(`${r.latencyMs} ms`);
  if (r.attempts > 1) parts.push(c.dim(`(${r.attempts} attempts)`));
  if (!r.ok && r.error && r.error !== `HTTP ${r.status}`) parts.push(c.red(r.error));
  return parts.join(' ');
}

/**
 * Replays fixture files to a URL: a line (or NDJSON record) per fixture, then a summary on stderr. Exit 1 when a
 * fixture ended without a 2xx answer; exit 4 when the target never answered at all.
 */
export async function runReplay(ctx: Context, paths: string[], flags: ReplayFlags): Promise<void> {
  const { out } = ctx;
  const to = parseUrl(flags.to, '--to');
  const concurrency = parseInteger(flags.concurrency, '--concurrency', 1, 1000);
  const ratePerSec = flags.rate === undefined ? undefined : parseRate(flags.rate);
  const retries = parseInteger(flags.retries, '--retries', 0, 20);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const headers = parseHeaderFlags(flags.header);
  const events = flags.events === undefined ? undefined : parseList(flags.events);
  const catalog = schemeCatalog(ctx, flags.scheme);
  const configured = providerWithScheme(flags.provider, catalog, flags.scheme) ?? getSetting(ctx.config, 'webhookProvider');
  const provider = configured && configured !== 'auto' ? (parseProvider(configured, false, catalog) as Provider) : undefined;
  const secret = getSetting(ctx.config, 'webhookSecret');
  const privateKey = privateKeyOption(flags.privateKey);
  const fixtures = await loadFixtures(paths);
  for (const { file, fixture } of fixtures) if (fixture.kind === 'envelope' && fixture.envelope.provider) catalog.require(fixture.envelope.provider, `provider in ${file}`);
  if (fixtures.length === 0) {
    out.info(`no fixture files in ${paths.join(', ')}`);
    return;
  }
  const keyed = fixtures.filter(({ fixture }) => fixture.kind === 'envelope' && catalog.get(fixture.envelope.provider ?? '')?.key === 'public-key');
  if (keyed.length > 0 && !privateKey && !flags.keepSignature) {
    out.warn(`${keyed.length} fixture(s) of discord or sendgrid are sent with their recorded signature: re-signing them needs --private-key`);
  }
  if (!secret && !privateKey) {
    out.warn('no --secret: recorded signatures are sent as they are (Stripe, Standard Webhooks and Slack refuse them after 5 minutes) and bare bodies go unsigned');
  } else if (flags.keepSignature) {
    out.info('--keep-signature: sending the recorded signature headers unchanged');
  }
  out.info(`replaying ${fixtures.length} fixture(s) to ${to}${concurrency > 1 ? ` (concurrency ${concurrency})` : ''}…`);
  const lines = new LineBatch((text) => out.line(text));
  let summary: ReplaySummary;
  try {
    summary = await replayFixtures(
      fixtures,
      {
        to, concurrency, ratePerSec, retries, timeoutMs, events, signal: ctx.signal,
        prepare: { secret, provider, keepSignature: flags.keepSignature === true, headers, userAgent: 'switchyard-replay', privateKey, catalog },
      },
      (result) => {
        if (out.json) {
          const { responseBody, responseHeaders, ...rest } = result;
          lines.push(JSON.stringify(out.verbose ? { ...rest, responseBody: responseBody ?? null, responseHeaders: responseHeaders ?? null } : rest));
        } else {
          lines.push(line(ctx, result));
          if (out.verbose && result.responseBody) {
            lines.flush();
            out.debug(result.responseBody.replace(/^/gm, '      '));
          }
        }
      },
    );
  } finally {
    lines.close();
  }
  out.info(describe(summary, to));
  if (ctx.signal.aborted) throw new InterruptedError();
  if (summary.failed > 0) {
    const message = `${summary.failed} of ${summary.total - summary.skipped} fixture(s) did not get a 2xx answer from ${to}`;
    if (summary.answered === 0 && summary.ok === 0) {
      throw new UnavailableError(`${to} did not answer`, { hint: 'is the target running? check the URL and port' });
    }
    throw new CheckFailedError(message, { hint: 'see the lines above for each status (--verbose shows the response bodies)' });
  }
}

function describe(s: ReplaySummary, to: string): string {
  const seconds = (s.durationMs / 1000).toFixed(s.durationMs < 10_000 ? 2 : 1);
  const skipped = s.skipped ? `, ${s.skipped} skipped` : '';
  return `replayed ${s.total - s.skipped} fixture(s) to ${to}: ${s.ok} ok, ${s.failed} failed${skipped} in ${seconds} s`;
}
