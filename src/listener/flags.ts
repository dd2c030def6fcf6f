import { parseHeaderFlags } from '../adapters/http/headers.js';
import { parseProvider } from '../adapters/webhooks/index.js';
import { publicKeyOption, schemeCatalog, urlOption, providerWithScheme } from '../adapters/webhooks/options.js';
import { getSetting } from '../core/config.js';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { checkOutputPath } from '../core/output-path.js';
import { parseDuration, parseInteger, parseList } from '../core/parse.js';
import { parseRoute } from './http-forward-sink.js';
import type { InspectSettings, ListenInput } from './run.js';

/** The raw options commander hands to `webhooks listen`. */
export interface ListenFlags {
  host: string;
  port: string;
  path: string;
  secret?: string;
  provider?: string;
  publicUrl?: string;
  publicKey?: string;
  scheme?: string;
  record?: string;
  forwardTo?: string;
  route: string[];
  forwardQueue?: string;
  connectionString?: string;
  namespace?: string;
  events?: string;
  maxBody: string;
  timeout: string;
  retries: string;
  header: string[];
  inspect?: boolean;
  inspectPort: string;
  inspectKeep: string;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };

/** A byte size: `1048576`, `512kb`, `1mb` (binary units). */
export function parseByteSize(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined) throw new UsageError(`invalid ${flag} "${value}"`, { hint: 'write a size such as 1048576, 512kb or 1mb' });
  const bytes = Math.floor(Number(match[1]) * unit);
  if (bytes < 1) throw new UsageError(`${flag} must be at least 1 byte`);
  return bytes;
}

/** An http(s) URL flag. */
export function parseUrl(value: string, flag: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {
    /* reported below */
  }
  throw new UsageError(`invalid ${flag} "${value}"`, { hint: 'expected an http(s) URL such as http://localhost:3000/webhooks' });
}

/** --inspect-port and --inspect-keep, and SWITCHYARD_INSPECT_TOKEN (a fixed token lets an open page survive restarts). */
export function inspectFlags(ctx: Context, flags: { inspectPort: string; inspectKeep: string }): InspectSettings {
  const token = ctx.rt.env.SWITCHYARD_INSPECT_TOKEN || undefined;
  if (token !== undefined && !/^[A-Za-z0-9_-]{16,}$/.test(token)) {
    throw new UsageError('SWITCHYARD_INSPECT_TOKEN must be at least 16 letters, digits, - or _', { hint: 'or leave it unset for a fresh token each run' });
  }
  return {
    port: parseInteger(flags.inspectPort, '--inspect-port', 0, 65535),
    keep: parseInteger(flags.inspectKeep, '--inspect-keep', 1, 1_000_000),
    token,
  };
}

/** Validates every listen flag before anything starts, so a typo never leaves a half-started listener. */
export function listenInputFromFlags(ctx: Context, flags: ListenFlags): Omit<ListenInput, 'sinks'> {
  const routes = flags.route.map((value) => {
    const route = parseRoute(value);
    if (!route) throw new UsageError(`invalid --route "${value}"`, { hint: "write it as 'pattern=url', e.g. 'payment_intent.*=http://localhost:3000/pay'" });
    return { pattern: route.pattern, url: parseUrl(route.url, '--route') };
  });
  const catalog = schemeCatalog(ctx, flags.scheme);
  const named = providerWithScheme(flags.provider, catalog, flags.scheme);
  const provider = parseProvider(named ?? getSetting(ctx.config, 'webhookProvider') ?? 'auto', true, catalog);
  return {
    host: flags.host,
    port: parseInteger(flags.port, '--port', 0, 65535),
    path: flags.path,
    secret: getSetting(ctx.config, 'webhookSecret'),
    provider,
    publicKey: publicKeyOption(ctx),
    publicUrl: urlOption(flags.publicUrl, '--public-url'),
    catalog,
    recordDir: flags.record === undefined ? undefined : checkOutputPath(flags.record, '--record', { kind: 'dir', cwd: ctx.rt.cwd }),
    forwardTo: flags.forwardTo === undefined ? undefined : parseUrl(flags.forwardTo, '--forward-to'),
    routes,
    forwardQueue: flags.forwardQueue,
    events: flags.events === undefined ? undefined : parseList(flags.events),
    maxBodyBytes: parseByteSize(flags.maxBody, '--max-body'),
    timeoutMs: parseDuration(flags.timeout, '--timeout'),
    retries: parseInteger(flags.retries, '--retries', 0, 20),
    headers: parseHeaderFlags(flags.header),
    ...(flags.inspect ? { inspect: inspectFlags(ctx, flags) } : {}),
  };
}
