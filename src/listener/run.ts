import type { QueuePort } from '../adapters/queue/queue.js';
import type { KeyObject } from 'node:crypto';
import type { SchemeCatalog } from '../adapters/webhooks/catalog.js';
import type { Provider } from '../adapters/webhooks/scheme.js';
import type { Context } from '../core/context.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import { maskSecret } from '../core/mask.js';
import { HttpForwardSink, type Route } from './http-forward-sink.js';
import { arrivalLine, forwardLine, jsonRecord } from './render.js';
import { ListenError, startListener, type Listener } from './server.js';
import type { EventSink, ListenerStats } from './types.js';
import type { Inspector } from '../inspector/index.js';

/** `webhooks listen` after its flags were parsed. */
export interface ListenInput {
  host: string;
  port: number;
  path: string;
  secret?: string;
  provider: Provider | 'auto';
  publicKey?: KeyObject;
  publicUrl?: string;
  catalog?: SchemeCatalog;
  recordDir?: string;
  forwardTo?: string;
  routes: Route[];
  /** A Service Bus queue or topic every accepted event is also sent to. */
  forwardQueue?: string;
  events?: string[];
  maxBodyBytes: number;
  timeoutMs: number;
  retries: number;
  headers: Record<string, string>;
  /** Extra sinks, e.g. the Service Bus queue of --forward-queue. */
  sinks?: EventSink[];
  /** How long in-flight forwards may finish after Ctrl-C. */
  graceMs?: number;
  /** --inspect: serve the web inspector beside the listener. */
  inspect?: InspectSettings;
}

/** The inspector's port, how many deliveries it keeps in memory, and a fixed token if one was set. */
export interface InspectSettings {
  port: number;
  keep: number;
  token?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0']);

function pointsAtItself(url: string, listener: Listener): boolean {
  const target = new URL(url);
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  return port === listener.port && (LOOPBACK.has(target.hostname) || target.hostname === listener.host);
}

/**
 * Runs the listener until Ctrl-C: prints a line per arrival and per forward (or one JSON object per event), then
 * stops accepting, lets in-flight forwards finish, prints the totals and throws InterruptedError (exit 130).
 */
export async function runListen(ctx: Context, input: ListenInput): Promise<never> {
  const { out } = ctx;
  const sinks: EventSink[] = [...(input.sinks ?? [])];
  const queue = input.forwardQueue ? await openQueueSink(ctx, input.forwardQueue) : null;
  if (queue) sinks.push(queue.sink);
  const forward =
    input.forwardTo || input.routes.length
      ? new HttpForwardSink({ forwardTo: input.forwardTo, routes: input.routes, headers: input.headers, timeoutMs: input.timeoutMs, retries: input.retries })
      : null;
  if (forward) sinks.unshift(forward);
  let listener: Listener;
  try {
    listener = await startListener({
      host: input.host,
      port: input.port,
      path: input.path,
      secret: input.secret,
      provider: input.provider,
      publicKey: input.publicKey,
      publicUrl: input.publicUrl,
      catalog: input.catalog,
      recordDir: input.recordDir,
      events: input.events,
      maxBodyBytes: input.maxBodyBytes,
      sinks,
    });
  } catch (error) {
    await Promise.allSettled(sinks.map(async (s) => s.close?.()));
    await queue?.port.close().catch(() => {});
    if (error instanceof ListenError) {
      throw new UsageError(`cannot listen: ${error.message}`, {
        hint: error.code === 'EADDRINUSE' ? 'pass another --port, or --port 0 for any free port' : 'check --host and --port',
        cause: error,
      });
    }
    throw error;
  }
  const targets = [input.forwardTo, ...input.routes.map((r) => r.url)].filter((u): u is string => Boolean(u));
  const loop = targets.find((u) => pointsAtItself(u, listener));
  if (loop) {
    await listener.close(0);
    await queue?.port.close().catch(() => {});
    throw new UsageError(`${loop} is the listener itself: every event would be forwarded back to it`, {
      hint: 'point --forward-to or --route at your application',
    });
  }

  let inspector: Inspector | null = null;
  if (input.inspect) {
    try {
      inspector = await startInspectorFor(listener, input, input.inspect, forward, targets);
    } catch (error) {
      await listener.close(0);
      await queue?.port.close().catch(() => {});
      throw error;
    }
  }

  const c = out.color;
  listener.on('received', (event) => {
    if (!out.json) out.line(arrivalLine(event, c));
  });
  listener.on('forward', (event, outcome) => {
    if (!out.json) out.line(forwardLine(event, outcome, c));
    if (out.verbose && outcome.responseBody) {
      const body = outcome.responseBody.length > 2000 ? `${outcome.responseBody.slice(0, 2000)}…` : outcome.responseBody;
      out.debug(body.replace(/^/gm, '      '));
    }
  });
  if (out.json) listener.on('event', (record) => out.jsonLine(jsonRecord(record, out.verbose)));
  listener.on('problem', (message) => out.debug(message));

  printReady(ctx, listener, input, inspector);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (listener.inFlight > 0) out.info(`stopping: waiting for ${listener.inFlight} event(s) in flight…`);
  await listener.close(input.graceMs ?? 5_000);
  await inspector?.close();
  await queue?.port.close().catch((error: unknown) => out.debug(`closing the Service Bus connection: ${String(error)}`));
  out.info(summary(listener.stats, input.recordDir));
  throw new InterruptedError();
}

/**
 * Connects to Service Bus (the SDK loads only now) and opens a sender once, so that a missing queue or refused
 * credentials stop the command before the Ready line instead of failing every event.
 */
async function openQueueSink(ctx: Context, name: string): Promise<{ sink: EventSink; port: QueuePort }> {
  const [{ createQueuePort }, { QueueSink }] = await Promise.all([import('../adapters/queue/index.js'), import('./queue-sink.js')]);
  const port = await createQueuePort(ctx.config);
  try {
    const sender = await port.openSender(name);
    await sender.close();
  } catch (error) {
    await port.close().catch(() => {});
    throw error;
  }
  return { sink: new QueueSink(port, name), port };
}

/** The inspector beside a listener, on loopback; a port in use is a usage error like the listener's own. */
async function startInspectorFor(
  listener: Listener, input: ListenInput, settings: InspectSettings, forward: HttpForwardSink | null, targets: string[],
): Promise<Inspector> {
  const { startInspector } = await import('../inspector/index.js');
  try {
    return await startInspector({
      port: settings.port,
      keep: settings.keep,
      token: settings.token,
      feed: listener,
      listenerUrl: listener.url,
      recordDir: input.recordDir,
      targets,
      route: (type) => forward?.target(type) ?? null,
      secret: input.secret,
      provider: input.provider,
      publicKey: input.publicKey,
      publicUrl: input.publicUrl,
      catalog: input.catalog,
      timeoutMs: input.timeoutMs,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new UsageError(`cannot serve the inspector: port ${settings.port} on 127.0.0.1 is ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}`, {
        hint: 'pass another --inspect-port, or --inspect-port 0 for any free port',
        cause: error,
      });
    }
    throw error;
  }
}

function printReady(ctx: Context, listener: Listener, input: ListenInput, inspector: Inspector | null): void {
  const secret = input.secret ? maskSecret(input.secret) : null;
  const stderr = ctx.rt.stderr;
  if (ctx.out.json) {
    const ready = {
      ready: true, url: listener.url, host: listener.host, port: listener.port, provider: input.provider, secret,
      forwardTo: input.forwardTo ?? null, routes: input.routes, forwardQueue: input.forwardQueue ?? null, record: input.recordDir ?? null,
      inspector: inspector?.url ?? null,
    };
    stderr.write(JSON.stringify(ready) + '\n');
    return;
  }
  const c = ctx.out.errColor;
  const lines = [
    `${c.green('Ready!')} Listening on ${c.bold(listener.url)} (${secret || input.publicKey ? `${[secret ? `secret ${secret}` : '', input.publicKey ? 'public key' : ''].filter(Boolean).join(', ')}, provider ${input.provider}` : c.yellow('no secret: requests are accepted unverified')})`,
  ];
  if (input.publicUrl) lines.push(`  signed URLs checked as ${input.publicUrl} + the request path`);
  for (const route of input.routes) lines.push(`  ${route.pattern} → ${route.url}`);
  if (input.forwardTo) lines.push(`  ${input.routes.length ? 'everything else' : 'forwarding'} → ${input.forwardTo}`);
  for (const sink of input.sinks ?? []) lines.push(`  forwarding → ${sink.name}`);
  if (input.forwardQueue) lines.push(`  enqueueing → Service Bus ${input.forwardQueue}`);
  if (input.events?.length) lines.push(`  only events matching ${input.events.join(', ')}`);
  if (input.recordDir) lines.push(`  recording to ${input.recordDir}`);
  if (inspector) lines.push(`  inspector: ${c.bold(inspector.url)}`);
  if (!LOOPBACK.has(listener.host) || listener.host === '0.0.0.0') {
    lines.push(c.yellow(`  bound to ${listener.host}: other machines can reach this listener`));
  }
  lines.push(c.dim('  Press Ctrl-C to stop.'));
  stderr.write(lines.join('\n') + '\n');
}

function summary(stats: ListenerStats, recordDir?: string): string {
  const parts = [
    `received ${stats.received}`,
    `accepted ${stats.accepted}`,
    `rejected ${stats.rejected}`,
    `duplicates ${stats.duplicates}`,
    `skipped ${stats.skipped}`,
    `forwarded ${stats.forwarded} (${stats.forwardFailures} failed)`,
  ];
  if (recordDir) parts.push(`recorded ${stats.recorded} in ${recordDir}`);
  return `stopped: ${parts.join(', ')}`;
}
