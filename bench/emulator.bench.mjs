#!/usr/bin/env node
// Emulator throughput and memory, measured with the real @azure/service-bus SDK.
// The broker runs in a child process (its own event loop, as a real broker would be), started by this same file
// with --broker; the SDK runs here. Figures are medians of 3 runs of 10,000 small messages each, after one
// uncounted warm-up run (the first run mostly measures the JIT compiling both sides).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ServiceBusClient } from '@azure/service-bus';

const SELF = fileURLToPath(import.meta.url);
const N = 10_000;
const BATCH = 100;
const RUNS = 3;
const GOALS = { send: 15_000, receiveAndDelete: 6_000, peekLockComplete: 5_000 };
const MEMORY_MESSAGES = 100_000;
const MEMORY_GOAL_MB = 300;

function startBroker() {
  const child = fork(SELF, ['--broker'], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  return { child, next };
}

const small = (i) => ({ body: { order: i, status: 'created', amount: 4200 }, applicationProperties: { tenant: 'eu' } });

async function sendAll(sender, count, make) {
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    await sender.sendMessages(Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => make(i + j)));
  }
  return performance.now() - started;
}

async function receiveAll(receiver, count, complete) {
  const started = performance.now();
  let got = 0;
  while (got < count) {
    const batch = await receiver.receiveMessages(BATCH, { maxWaitTimeInMs: 2000 });
    if (batch.length === 0) throw new Error(`stalled after ${got} messages`);
    if (complete) await Promise.all(batch.map((m) => receiver.completeMessage(m)));
    got += batch.length;
  }
  return performance.now() - started;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ms) => Math.round((N / ms) * 1000);

function report(name, rates) {
  const m = median(rates);
  const goal = GOALS[name];
  const ratio = (m / goal).toFixed(2);
  console.log(`${name.padEnd(18)} ${String(m).padStart(7)} msgs/s  (runs: ${rates.join(', ')})  goal ${goal}/s  ratio ${ratio} ${m >= goal ? 'ok' : 'BELOW GOAL'}`);
}

async function main() {
  console.log(`emulator: ${N} messages of ~90 bytes per run, SDK batches of ${BATCH}, broker in a child process, median of ${RUNS} runs after a warm-up`);
  const { child, next } = startBroker();
  const { connectionString } = await next();
  const sb = new ServiceBusClient(connectionString);
  const rates = { send: [], receiveAndDelete: [], peekLockComplete: [] };
  try {
    for (let run = -1; run < RUNS; run++) {
      const queue = `bench-${run + 1}`;
      const sender = sb.createSender(queue);
      // Warm the links (CBS, attach) outside the timing.
      await sender.sendMessages(small(-1));
      const rad = sb.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
      await rad.receiveMessages(1, { maxWaitTimeInMs: 1000 });
      const record = (name, ms) => run >= 0 && rates[name].push(rate(ms));
      record('send', await sendAll(sender, N, small));
      record('receiveAndDelete', await receiveAll(rad, N, false));
      await sendAll(sender, N, small);
      const lock = sb.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
      record('peekLockComplete', await receiveAll(lock, N, true));
      await Promise.all([sender.close(), rad.close(), lock.close()]);
    }
    report('send', rates.send);
    report('receiveAndDelete', rates.receiveAndDelete);
    report('peekLockComplete', rates.peekLockComplete);

    const kb = Buffer.alloc(1024, 'x').toString();
    const sender = sb.createSender('memory');
    const started = performance.now();
    await sendAll(sender, MEMORY_MESSAGES, (i) => ({ body: kb, messageId: `m${i}` }));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    child.send('rss');
    const { rss, heapUsed, arrayBuffers, counts } = await next();
    const mib = (n) => Math.round(n / 1024 / 1024);
    const mb = Math.round(rss / 1024 / 1024);
    console.log(
      `memory             ${mb} MB resident in the broker (JS heap ${mib(heapUsed)} MB, buffers ${mib(arrayBuffers)} MB) with ${counts.active} stored 1 KB messages (sent in ${seconds}s)  goal < ${MEMORY_GOAL_MB} MB  ratio ${(mb / MEMORY_GOAL_MB).toFixed(2)} ${mb < MEMORY_GOAL_MB ? 'ok' : 'ABOVE GOAL'}`,
    );
  } finally {
    await sb.close();
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
}

// Last, so that every helper above is defined when main runs.
if (process.argv.includes('--broker')) {
  const { startEmulator } = await import('../dist/emulator/index.js');
  const em = await startEmulator({ port: 0 });
  process.on('message', (m) => {
    if (m === 'rss') {
      globalThis.gc?.();
      globalThis.gc?.();
      process.send({ ...process.memoryUsage(), counts: em.entityCounts('memory') });
    } else if (m === 'stop') {
      em.close().then(() => process.exit(0));
    }
  });
  process.send({ connectionString: em.connectionString });
} else {
  await main();
}
