import { stat } from 'node:fs/promises';
import { parseProvider } from '../adapters/webhooks/index.js';
import { providerWithScheme, publicKeyOption, schemeCatalog, urlOption } from '../adapters/webhooks/options.js';
import { getSetting } from '../core/config.js';
import type { Context } from '../core/context.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import { maskSecret } from '../core/mask.js';
import { parseDuration } from '../core/parse.js';
import { inspectFlags, parseUrl } from '../listener/flags.js';
import { startInspector } from './server.js';

/** The raw options commander hands to `webhooks inspect`. */
export interface InspectFlags {
  to?: string;
  secret?: string;
  provider?: string;
  publicKey?: string;
  publicUrl?: string;
  scheme?: string;
  inspectPort: string;
  inspectKeep: string;
  timeout: string;
}

/** Serves the inspector over a record folder until Ctrl-C (exit 130). */
export async function runInspect(ctx: Context, dir: string, flags: InspectFlags): Promise<never> {
  const settings = inspectFlags(ctx, flags);
  const to = flags.to === undefined ? undefined : parseUrl(flags.to, '--to');
  // The listener's flags for the newer schemes, validated as it does.
  const catalog = schemeCatalog(ctx, flags.scheme);
  const named = providerWithScheme(flags.provider, catalog, flags.scheme);
  const provider = parseProvider(named ?? getSetting(ctx.config, 'webhookProvider') ?? 'auto', true, catalog);
  const publicKey = publicKeyOption(ctx);
  const publicUrl = urlOption(flags.publicUrl, '--public-url');
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const secret = getSetting(ctx.config, 'webhookSecret');
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new UsageError(`${dir}: no such folder`, { hint: 'pass the folder given to webhooks listen --record' });
  let inspector;
  try {
    inspector = await startInspector({
      port: settings.port, keep: settings.keep, token: settings.token, recordDir: dir, targets: to ? [to] : [], secret, provider, timeoutMs,
      publicKey, publicUrl, catalog,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    throw new UsageError(`cannot serve the inspector: port ${settings.port} on 127.0.0.1 is ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}`, {
      hint: 'pass another --inspect-port, or --inspect-port 0 for any free port',
      cause: error,
    });
  }
  const stderr = ctx.rt.stderr;
  if (ctx.out.json) {
    stderr.write(JSON.stringify({
      ready: true, inspector: inspector.url, record: dir, to: to ?? null, secret: secret ? maskSecret(secret) : null, provider,
      publicKey: Boolean(publicKey), publicUrl: publicUrl ?? null,
    }) + '\n');
  } else {
    const c = ctx.out.errColor;
    const lines = [`${c.green('Ready!')} Inspector on ${c.bold(inspector.url)} (recordings in ${dir})`];
    lines.push(to ? `  replays go to ${to}` : c.yellow('  no --to: replay is off'));
    if (!secret && !publicKey) lines.push(c.yellow('  no --secret or --public-key: signatures are not checked and cannot be re-signed'));
    else if (!secret) lines.push(c.yellow('  no --secret: only discord and sendgrid signatures are checked; nothing can be re-signed'));
    if (publicUrl) lines.push(`  URL-signing schemes are checked as ${publicUrl} plus the recording's path, unless it kept its URL`);
    lines.push(c.dim('  Press Ctrl-C to stop.'));
    stderr.write(lines.join('\n') + '\n');
  }
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await inspector.close();
  throw new InterruptedError();
}
