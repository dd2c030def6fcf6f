// queue purge throughput against the local emulator (started here, in this process):
//  20,000 messages deleted by `switchyard queue purge <q> --yes` (spawned) vs a bare SDK loop in its own process
//  (receiveAndDelete receiveMessages(n) until an empty batch), with n = 100 (the usual) and n = 250 (purge's own
//  batch size, so the ratio against it measures switchyard's overhead alone): msgs/s and the ratio against the
//  faster bare loop. Goal: at least 0.90.
// Both are timed from spawn to exit, so both pay Node start-up and the SDK import, and both stop after the same
// 500 ms without a message. Rounds alternate which one goes first, so neither always meets a warmer broker.
// Then the loop alone, in this process: purgeAll (what the command runs, through the queue port, on two links) vs
// the bare SDK loop with the same batch size, 10,000 messages each, so start-up weighs nothing.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceBusClient } from '@azure/service-bus';
import { createQueuePort } from '../dist/adapters/queue/index.js';
import { purgeAll } from '../dist/commands/queue/purge-loop.js';
import { startEmulator } from '../dist/emulator/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'bin', 'switchyard.js');
const IDLE_MS = 500;
const ROUNDS = 3;
const COUNT = Number(process.env.SWITCHYARD_BENCH_PURGE ?? 20_000);

const BARE_LOOP = `
import { ServiceBusClient } from '@azure/service-bus';
const [cs, queue, idle, size] = process.argv.slice(1);
const client = new ServiceBusClient(cs);
const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
let n = 0;
for (;;) {
  const batch = await receiver.receiveMessages(Number(size), { maxWaitTimeInMs: Number(idle) });
  if (batch.length === 0) break;
  n += batch.length;
}
await client.close();
console.log(n);
`;

function run(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`exit ${code}: ${stderr}`));
      else resolve({ ms, stdout });
    });
  });
}

async function fill(client, queue, count) {
  const sender = client.createSender(queue);
  for (let i = 0; i < count; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 1000); j += 1) batch.push({ body: { order: j, qty: 1 + (j % 5) }, messageId: `m-${j}` });
    await sender.sendMessages(batch);
  }
  await sender.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const emulator = await startEmulator();
const client = new ServiceBusClient(emulator.connectionString);
process.env.SERVICEBUS_CONNECTION_STRING = emulator.connectionString;
try {
  const bare = { 100: [], 250: [] };
  const cli = [];
  const runBare = async (q, size) => {
    const b = await run(['--input-type=module', '-e', BARE_LOOP, emulator.connectionString, q, String(IDLE_MS), String(size)]);
    if (Number(b.stdout.trim()) !== COUNT) throw new Error(`bare loop deleted ${b.stdout.trim()}`);
    bare[size].push(COUNT / (b.ms / 1000));
  };
  const runCli = async (q) => {
    const c = await run([BIN, 'queue', 'purge', q, '--yes', '--json', '--idle-timeout', `${IDLE_MS}ms`]);
    const { purged } = JSON.parse(c.stdout);
    if (purged !== COUNT) throw new Error(`CLI purged ${purged}`);
    cli.push(COUNT / (c.ms / 1000));
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    const jobs = [() => runBare(`b100-${round}`, 100), () => runBare(`b250-${round}`, 250), () => runCli(`cli-${round}`)];
    for (const q of [`b100-${round}`, `b250-${round}`, `cli-${round}`]) await fill(client, q, COUNT);
    // A different order each round, so that no one always meets a warmer (or busier) broker.
    for (let i = 0; i < jobs.length; i += 1) await jobs[(i + round) % jobs.length]();
  }
  const cliRate = median(cli);
  const fmt = (xs) => `${Math.round(median(xs)).toLocaleString('en-US')} msgs/s  (runs: ${xs.map((r) => Math.round(r)).join(', ')})`;
  const best = Math.max(median(bare[100]), median(bare[250]));
  console.log(`purge ${COUNT.toLocaleString('en-US')} messages, median of ${ROUNDS} (spawn to exit, ${IDLE_MS} ms idle stop):`);
  console.log(`  bare SDK receiveAndDelete loop, batches of 100: ${fmt(bare[100])}`);
  console.log(`  bare SDK receiveAndDelete loop, batches of 250: ${fmt(bare[250])}`);
  console.log(`  switchyard queue purge (250s on two links):      ${fmt(cli)}`);
  console.log(`  ratio CLI / faster bare loop:                   ${(cliRate / best).toFixed(2)}  (goal >= 0.90)`);

  const loop = { bare: [], purgeAll: [] };
  const LOOP_COUNT = 10_000;
  const timed = async (key, q, body) => {
    globalThis.gc?.();
    const t = performance.now();
    const n = await body();
    if (n !== LOOP_COUNT) throw new Error(`${key} deleted ${n}`);
    loop[key].push(LOOP_COUNT / ((performance.now() - t - IDLE_MS) / 1000));
  };
  // An even number of rounds, alternating which goes first: going first right after the fill costs more.
  for (let round = 0; round < 4; round += 1) {
    await fill(client, `lb-${round}`, LOOP_COUNT);
    await fill(client, `lp-${round}`, LOOP_COUNT);
    const bareLoop = async () => {
      // A fresh client, as purgeAll's port is: both pay for connecting inside the timed part.
      const own = new ServiceBusClient(emulator.connectionString);
      const receiver = own.createReceiver(`lb-${round}`, { receiveMode: 'receiveAndDelete' });
      await timed('bare', `lb-${round}`, async () => {
        let n = 0;
        for (;;) {
          const batch = await receiver.receiveMessages(250, { maxWaitTimeInMs: IDLE_MS });
          if (batch.length === 0) return n;
          n += batch.length;
        }
      });
      await own.close();
    };
    const ours = async () => {
      const port = await createQueuePort({ connectionString: emulator.connectionString });
      const entity = { name: `lp-${round}`, dlq: false };
      const receivers = [await port.openDeletingReceiver(entity), await port.openDeletingReceiver(entity)];
      await timed('purgeAll', `lp-${round}`, () => purgeAll(receivers, { idleTimeoutMs: IDLE_MS }));
      await Promise.all(receivers.map((r) => r.close()));
      await port.close();
    };
    if (round % 2 === 0) await ours().then(bareLoop);
    else await bareLoop().then(ours);
  }
  console.log(`the loop alone, in this process, ${LOOP_COUNT.toLocaleString('en-US')} messages, median of 4 (idle wait subtracted):`);
  console.log(`  bare SDK loop, batches of 250:                  ${fmt(loop.bare)}`);
  console.log(`  purgeAll through the port, two links as purge:  ${fmt(loop.purgeAll)}`);
  console.log(`  ratio purgeAll / bare:                          ${(median(loop.purgeAll) / median(loop.bare)).toFixed(2)}  (goal >= 0.90)`);
} finally {
  await client.close();
  await emulator.close();
}
