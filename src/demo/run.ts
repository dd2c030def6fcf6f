import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeHttpSink, deliver } from '../adapters/http/index.js';
import { createQueuePort, type QueuePort } from '../adapters/queue/index.js';
import { signWebhook } from '../adapters/webhooks/index.js';
import { runDrain } from '../commands/queue/run-drain.js';
import { runPeek } from '../commands/queue/run-peek.js';
import { runResubmit } from '../commands/queue/run-resubmit.js';
import { runTriage } from '../commands/queue/run-triage.js';
import type { Context } from '../core/context.js';
import { Output } from '../core/output.js';
import type { Runtime } from '../core/runtime.js';
import { startEmulator, type EmulatorHandle } from '../emulator/index.js';
import { buildEvent } from '../events/index.js';
import { startListener, type Listener } from '../listener/index.js';
import { QueueSink } from '../listener/queue-sink.js';
import { consume } from './consumer.js';

const QUEUE = 'stripe-events';
const EVENTS = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'payment_intent.succeeded',
];
/** The consumer's bug: it cannot handle these types (yet). */
const BROKEN = new Set(['payment_intent.payment_failed', 'charge.refunded']);
const FIXED_TYPE = 'payment_intent.payment_failed';
const MAX_DELIVERY_COUNT = 2;

/**
 * `switchyard demo`: a webhook-to-queue pipeline on this machine, start to finish, with nothing to configure.
 * Each step prints the command a user would run and one line saying what it proved; everything started is
 * stopped and every file removed, whatever happens.
 */
export async function runDemo(demoCtx: Context): Promise<{ seconds: number }> {
  const { out } = demoCtx;
  const c = out.color;
  const started = performance.now();
  // Under --json stdout carries only JSON: one object per step ({commands, proved}), then {ok, seconds}; the
  // commands the demo runs print nothing of their own, as their results are in the step.
  const ctx: Context = out.json ? { ...demoCtx, out: new Output(silentRuntime(demoCtx.rt)) } : demoCtx;
  let commands: string[] = [];
  const proved = (text: string) => {
    if (out.json) out.jsonLine({ commands, proved: text });
    else out.line(`${c.green('✔')} ${text}\n`);
    commands = [];
  };
  const command = (text: string) => {
    commands.push(`switchyard ${text}`);
    if (!out.json) out.line(c.dim(`$ switchyard ${text}`));
  };
  const note = (text: string) => {
    if (!out.json) out.line(c.dim(text));
  };
  let emulator: EmulatorHandle | undefined;
  let port: QueuePort | undefined;
  let listener: Listener | undefined;
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-demo-'));
  const http = createNodeHttpSink();
  try {
    emulator = await startEmulator({ port: 0, config: { queues: [{ name: QUEUE, maxDeliveryCount: MAX_DELIVERY_COUNT, lockDuration: '10s' }] } });
    port = await createQueuePort({ connectionString: emulator.connectionString }, { timeoutMs: 10_000, maxRetries: 1 });
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    listener = await startListener({ port: 0, secret, provider: 'stripe', sinks: [new QueueSink(port, QUEUE)] });
    command(`emulator   &   switchyard webhooks listen --secret whsec_… --forward-queue ${QUEUE}`);
    proved(`a Service Bus emulator on 127.0.0.1:${emulator.port} and a webhook listener on ${listener.url}, both on this machine`);

    let delivered = 0;
    const allForwarded = new Promise<void>((resolve) => {
      // The listener answers the provider before its sinks finish, so wait for every enqueue.
      listener!.on('forward', () => {
        if (++delivered === EVENTS.length) resolve();
      });
    });
    for (const type of EVENTS) {
      const body = Buffer.from(JSON.stringify(buildEvent(type), null, 2));
      const headers = { 'content-type': 'application/json', ...signWebhook({ provider: 'stripe', body, secret }) };
      const sent = await deliver(http, { url: listener.url, headers, body, timeoutMs: 10_000 }, { retries: 0, signal: ctx.signal });
      if (!sent.ok) throw new Error(`the listener answered ${sent.status ?? sent.error} to ${type}`);
      command(`webhooks trigger ${type} --to ${listener.url}   →  ${sent.status}`);
    }
    await allForwarded;
    proved(`${EVENTS.length} signed Stripe events were verified by the listener and forwarded to queue ${QUEUE}`);

    const first = await consume(port, QUEUE, (type) => BROKEN.has(type), { expected: EVENTS.length, maxDeliveryCount: MAX_DELIVERY_COUNT, idleMs: 5000, signal: ctx.signal });
    const dead = EVENTS.filter((t) => BROKEN.has(t)).length;
    note(`(a consumer that cannot handle ${[...BROKEN].join(' or ')} reads ${QUEUE})`);
    proved(`the consumer completed ${first.completed} events; ${dead} failed twice each and the broker dead-lettered them (MaxDeliveryCountExceeded)`);

    command(`queue peek ${QUEUE} --dlq`);
    const peeked = await runPeek(ctx, { entity: { name: QUEUE, dlq: true }, port });
    proved(`peek showed the ${peeked.peeked} dead letters without touching them`);

    command(`queue triage ${QUEUE}`);
    const triage = await runTriage(ctx, { entity: { name: QUEUE, dlq: false }, port });
    proved(`triage grouped ${triage.total} dead letters by reason: ${triage.groups.map((g) => `${g.count} × ${g.reason}`).join(', ')}`);

    note(`(the consumer is fixed for ${FIXED_TYPE})`);
    command(`queue resubmit ${QUEUE} --where type=${FIXED_TYPE} --yes`);
    const resubmitted = await runResubmit(ctx, { entity: { name: QUEUE, dlq: false }, where: [['type', FIXED_TYPE]], yes: true, port, idleTimeoutMs: 500 });
    const second = await consume(port, QUEUE, (type) => BROKEN.has(type) && type !== FIXED_TYPE, {
      expected: resubmitted.resubmitted,
      maxDeliveryCount: MAX_DELIVERY_COUNT,
      idleMs: 5000,
      signal: ctx.signal,
    });
    proved(`resubmit moved ${resubmitted.resubmitted} dead letters back (only the matching ones; ${resubmitted.skipped} stayed) and the fixed consumer completed ${second.completed}`);

    const archive = join(dir, `${QUEUE}-dead-letters.ndjson`);
    command(`queue drain ${QUEUE} --dlq --out ${archive} --yes`);
    const drained = await runDrain(ctx, { entity: { name: QUEUE, dlq: true }, out: archive, yes: true, port, idleTimeoutMs: 500 });
    const lines = (await readFile(archive, 'utf8')).split('\n').filter(Boolean).length;
    proved(`drain archived the last ${drained.drained} dead letter${drained.drained === 1 ? '' : 's'} to a file (${lines} NDJSON line${lines === 1 ? '' : 's'}, flushed before each was completed)`);
  } finally {
    http.close();
    await listener?.close(1000).catch(() => {});
    await port?.close().catch(() => {});
    await emulator?.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  if (out.json) {
    out.jsonLine({ ok: true, seconds: Math.round(seconds * 10) / 10 });
    return { seconds };
  }
  out.line(`Demo finished in ${seconds.toFixed(1)} s; the emulator, the listener and the demo's files are gone.`);
  out.line(`Next: 'switchyard emulator' to keep one running, 'switchyard webhooks listen --help', 'switchyard doctor'.`);
  return { seconds };
}

/** The demo's runtime with stdout and stderr going nowhere, for the commands it runs under --json. */
function silentRuntime(rt: Runtime): Runtime {
  const nowhere = () => new Writable({ write: (_chunk, _encoding, done) => done() });
  return { ...rt, stdout: nowhere(), stderr: nowhere() };
}
