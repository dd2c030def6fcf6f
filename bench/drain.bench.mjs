// queue drain throughput and memory, against the local emulator (started here, in this process):
//  1. 10,000 messages through the CLI (`switchyard queue drain`, spawned) vs a bare SDK loop in its own process
//     (peek-lock receiveMessages(100), append the batch to a file, complete each message): msgs/s and the ratio.
//     Goal: the CLI reaches at least 0.8 of the bare loop.
//  2. Peak resident memory (VmHWM) of the CLI while it drains 100,000 messages. Goal: under 200 MB.
// Both processes are timed from spawn to exit, so both pay Node start-up and the SDK import; both stop after the
// same 500 ms without a message. The CLI also fsyncs each batch before completing it (its guarantee); the bare
// loop does not.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceBusClient } from '@azure/service-bus';
import { startEmulator } from '../dist/emulator/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'bin', 'switchyard.js');
const IDLE_MS = 500;
const ROUNDS = 3;
const SMALL = 10_000;
const LARGE = Number(process.env.SWITCHYARD_BENCH_LARGE ?? 100_000);

const BARE_LOOP = `
import { open } from 'node:fs/promises';
import { ServiceBusClient } from '@azure/service-bus';
const [cs, queue, out, idle] = process.argv.slice(1);
const client = new ServiceBusClient(cs);
const receiver = client.createReceiver(queue, { receiveMode: 'peekLock' });
const file = await open(out, 'w');
let n = 0;
for (;;) {
  const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: Number(idle) });
  if (batch.length === 0) break;
  await file.write(batch.map((m) => JSON.stringify({ messageId: m.messageId, body: m.body }) + '\\n').join(''));
  await Promise.all(batch.map((m) => receiver.completeMessage(m)));
  n += batch.length;
}
await file.close();
await client.close();
console.log(n);
`;

/** Spawns a child, samples its peak RSS from /proc while it runs, and times it from spawn to exit. */
function run(args, { cwd } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        if (hwm > peakKb) peakKb = hwm;
      } catch {
        // the process is gone, or this is not Linux
      }
    };
    const timer = setInterval(sample, 25);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`exit ${code}: ${stderr}`));
      else resolve({ ms, peakMb: peakKb / 1024, stdout, stderr });
    });
  });
}

async function fill(client, queue, count) {
  const sender = client.createSender(queue);
  for (let i = 0; i < count; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 1000); j += 1) {
      batch.push({ body: { order: j, sku: `SKU-${j % 97}`, qty: 1 + (j % 5) }, messageId: `m-${j}`, applicationProperties: { tenant: 'eu' } });
    }
    await sender.sendMessages(batch);
  }
  await sender.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const emulator = await startEmulator({ lockDurationMs: 60_000 });
const client = new ServiceBusClient(emulator.connectionString);
const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-drain-'));
process.env.SERVICEBUS_CONNECTION_STRING = emulator.connectionString;
try {
  const bare = [];
  const cli = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const q1 = `bare-${round}`;
    await fill(client, q1, SMALL);
    const b = await run(['--input-type=module', '-e', BARE_LOOP, emulator.connectionString, q1, join(dir, `${q1}.ndjson`), String(IDLE_MS)], { cwd: root });
    if (Number(b.stdout.trim()) !== SMALL) throw new Error(`bare loop drained ${b.stdout.trim()}`);
    bare.push(SMALL / (b.ms / 1000));

    const q2 = `cli-${round}`;
    await fill(client, q2, SMALL);
    const c = await run([BIN, 'queue', 'drain', q2, '--yes', '--quiet', '--out', join(dir, `${q2}.ndjson`), '--idle-timeout', `${IDLE_MS}ms`]);
    const lines = readFileSync(join(dir, `${q2}.ndjson`), 'utf8').split('\n').filter(Boolean).length;
    if (lines !== SMALL) throw new Error(`CLI drained ${lines}`);
    cli.push(SMALL / (c.ms / 1000));
  }
  const bareRate = median(bare);
  const cliRate = median(cli);
  console.log(`drain ${SMALL.toLocaleString('en-US')} messages, median of ${ROUNDS} (spawn to exit, ${IDLE_MS} ms idle stop):`);
  console.log(`  bare SDK loop:          ${Math.round(bareRate).toLocaleString('en-US')} msgs/s  (runs: ${bare.map((r) => Math.round(r)).join(', ')})`);
  console.log(`  switchyard queue drain: ${Math.round(cliRate).toLocaleString('en-US')} msgs/s  (runs: ${cli.map((r) => Math.round(r)).join(', ')})`);
  console.log(`  ratio CLI / bare:       ${(cliRate / bareRate).toFixed(2)}  (goal >= 0.80)`);

  await fill(client, 'large', LARGE);
  const big = await run([BIN, 'queue', 'drain', 'large', '--yes', '--quiet', '--out', join(dir, 'large.ndjson'), '--idle-timeout', `${IDLE_MS}ms`]);
  console.log(`drain ${LARGE.toLocaleString('en-US')} messages through the CLI: ${Math.round(LARGE / (big.ms / 1000)).toLocaleString('en-US')} msgs/s,` +
    ` peak RSS ${big.peakMb.toFixed(0)} MB (goal < 200 MB)`);
} finally {
  await client.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
}
