// Queue commands across a network: 10,000 × 1 KB messages through `switchyard queue drain` and `queue resubmit`
// (and `queue purge` where it exists), next to bare @azure/service-bus loops doing the same work, against the local
// emulator reached directly (0 ms) and through a TCP proxy that delays each direction by 10 ms (20 ms round trip,
// dist/testing/delay-proxy.js, shared with the drain kill test).
//  - bare drain: peek-lock receiveMessages(100), append the batch to a file, complete each message (in parallel).
//  - bare resubmit: receiveMessages(100) from the dead-letter queue, send the copies as one batch, complete each.
//  - bare purge: receiveMessages(100) in receive-and-delete mode.
// Every process is timed from spawn to exit (Node start-up, SDK import, connecting and the final 500 ms idle stop
// included, for both sides). The CLI also fsyncs before it completes; the bare loops do not.
// Goals: drain >= 3x the bare loop at 20 ms; at 0 ms nothing slower than before (drain >= 0.8 of the bare loop,
// the goal of drain.bench.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceBusClient } from '@azure/service-bus';
import { startEmulator } from '../dist/emulator/index.js';
import { startDelayProxy } from '../dist/testing/delay-proxy.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'bin', 'switchyard.js');
const IDLE_MS = 500;
const ROUNDS = Number(process.env.SWITCHYARD_BENCH_ROUNDS ?? 3);
const COUNT = Number(process.env.SWITCHYARD_BENCH_COUNT ?? 10_000);
const PAD = 'x'.repeat(980);

const BARE = `
import { open } from 'node:fs/promises';
import { ServiceBusClient } from '@azure/service-bus';
const [mode, cs, queue, out, idle] = process.argv.slice(1);
const client = new ServiceBusClient(cs);
const receiver = mode === 'resubmit'
  ? client.createReceiver(queue, { receiveMode: 'peekLock', subQueueType: 'deadLetter' })
  : client.createReceiver(queue, { receiveMode: mode === 'purge' ? 'receiveAndDelete' : 'peekLock' });
const sender = mode === 'resubmit' ? client.createSender(queue) : undefined;
const file = mode === 'drain' ? await open(out, 'w') : undefined;
let n = 0;
for (;;) {
  const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: Number(idle) });
  if (batch.length === 0) break;
  if (file) await file.write(batch.map((m) => JSON.stringify({ messageId: m.messageId, body: m.body }) + '\\n').join(''));
  if (sender) await sender.sendMessages(batch.map((m) => ({ body: m.body, messageId: m.messageId, applicationProperties: m.applicationProperties })));
  if (mode !== 'purge') await Promise.all(batch.map((m) => receiver.completeMessage(m)));
  n += batch.length;
}
await file?.close();
await client.close();
console.log(n);
`;

/** Spawns a child and times it from spawn to exit; also samples its CPU time (user + system) from /proc. */
function run(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', ...env } });
    let stdout = '';
    let stderr = '';
    let cpuTicks = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const sample = () => {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpuTicks = Number(fields[11]) + Number(fields[12]);
      } catch {
        // the process is gone, or this is not Linux
      }
    };
    const timer = setInterval(sample, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${args.slice(0, 4).join(' ')}: exit ${code}: ${stderr}`));
      else resolve({ ms, cpuMs: cpuTicks * 10, stdout, stderr });
    });
  });
}

const messages = (from, to) =>
  Array.from({ length: to - from }, (_, k) => ({ body: { order: from + k, pad: PAD }, messageId: `m-${from + k}`, applicationProperties: { tenant: 'eu' } }));

async function fill(client, queue, count) {
  const sender = client.createSender(queue);
  for (let i = 0; i < count; i += 500) await sender.sendMessages(messages(i, Math.min(count, i + 500)));
  await sender.close();
}

async function fillDeadLetters(client, queue, count) {
  await fill(client, queue, count);
  const receiver = client.createReceiver(queue, { receiveMode: 'peekLock' });
  for (let left = count; left > 0; ) {
    const batch = await receiver.receiveMessages(Math.min(left, 500), { maxWaitTimeInMs: 2_000 });
    if (batch.length === 0) throw new Error('dead-lettering stalled');
    await Promise.all(batch.map((m) => receiver.deadLetterMessage(m, { deadLetterReason: 'bench', deadLetterErrorDescription: 'bench' })));
    left -= batch.length;
  }
  await receiver.close();
}

const count = (emulator, queue) => emulator.entityCounts(queue) ?? { active: 0, deadLetter: 0 };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const emulator = await startEmulator({ lockDurationMs: 60_000 });
// Round trips to measure at (SWITCHYARD_BENCH_RTTS=0,20,100 adds one); each above 0 gets its own proxy.
const rtts = (process.env.SWITCHYARD_BENCH_RTTS ?? '0,20').split(',').map(Number);
const proxies = await Promise.all(rtts.filter((r) => r > 0).map((r) => startDelayProxy({ host: emulator.host, port: emulator.port }, r / 2)));
const admin = new ServiceBusClient(emulator.connectionString);
const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-network-'));
const purgeExists = (await run([BIN, 'queue', '--help'])).stdout.includes('purge');
let seq = 0;

/** One figure: msgs/s of the bare loop and of the CLI, median of ROUNDS, each run on a freshly filled queue. */
async function measure(op, cs) {
  const bare = [];
  const cli = [];
  const cpu = { bare: [], cli: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const side of ['bare', 'cli']) {
      const queue = `${op}-${side}-${(seq += 1)}`;
      if (op === 'resubmit') await fillDeadLetters(admin, queue, COUNT);
      else await fill(admin, queue, COUNT);
      const out = join(dir, `${queue}.ndjson`);
      const args =
        side === 'bare'
          ? ['--input-type=module', '-e', BARE, op, cs, queue, out, String(IDLE_MS)]
          : [BIN, 'queue', op, queue, '--yes', '--quiet', '--idle-timeout', `${IDLE_MS}ms`, ...(op === 'drain' ? ['--out', out] : [])];
      const r = await run(args, { SERVICEBUS_CONNECTION_STRING: cs });
      const left = count(emulator, queue);
      const moved = op === 'resubmit' ? (left.deadLetter === 0 ? left.total : COUNT - left.deadLetter) : COUNT - left.total;
      if (moved !== COUNT || (op === 'drain' && side === 'cli' && readFileSync(out, 'utf8').split('\n').length - 1 !== COUNT)) {
        throw new Error(`${side} ${op} moved ${moved} of ${COUNT} (left: ${JSON.stringify(left)})`);
      }
      (side === 'bare' ? bare : cli).push(COUNT / (r.ms / 1000));
      cpu[side].push(r.cpuMs / 1000);
      rmSync(out, { force: true });
    }
  }
  return { bare: median(bare), cli: median(cli), runs: { bare, cli }, cpu: { bare: median(cpu.bare), cli: median(cpu.cli) } };
}

try {
  const ops = (process.env.SWITCHYARD_BENCH_OPS ?? ['drain', 'resubmit', ...(purgeExists ? ['purge'] : [])].join(',')).split(',');
  console.log(`${COUNT.toLocaleString('en-US')} × 1 KB messages, msgs/s, median of ${ROUNDS} (spawn to exit, ${IDLE_MS} ms idle stop):`);
  console.log('  figure               round trip   bare SDK loop   switchyard   ratio   goal');
  let next = 0;
  const results = {};
  for (const rtt of rtts) {
    const label = `${rtt} ms`.padEnd(6);
    const cs = rtt > 0 ? proxies[next++].rewrite(emulator.connectionString) : emulator.connectionString;
    for (const op of ops) {
      const m = await measure(op, cs);
      results[`${op}@${rtt}`] = m;
      const goal = op !== 'drain' ? 'reported' : rtt === 20 ? '>= 3.00' : rtt === 0 ? '>= 0.80' : 'reported';
      console.log(
        `  queue ${op.padEnd(14)} ${label}       ${fmt(m.bare).padStart(9)}    ${fmt(m.cli).padStart(9)}    ${(m.cli / m.bare).toFixed(2).padStart(5)}   ${goal}` +
          `   (runs: bare ${m.runs.bare.map(fmt).join(', ')}; cli ${m.runs.cli.map(fmt).join(', ')}; CPU s: bare ${m.cpu.bare.toFixed(1)}, cli ${m.cpu.cli.toFixed(1)})`,
      );
    }
  }
  if (!purgeExists) console.log('  queue purge: not in this build yet (pending)');
  // The most any overlapping of round trips can give: the CLI with no round trip at all, against the bare loop
  // paying its round trips. Where this is under a goal, the goal is out of reach on this machine.
  for (const op of ops) {
    const at0 = results[`${op}@0`];
    const at20 = results[`${op}@20`];
    if (at0 && at20) {
      console.log(`  ceiling: queue ${op} at 0 ms / the bare loop at 20 ms = ${(at0.cli / at20.bare).toFixed(2)}x (switchyard at 20 ms reached ${((at20.cli / at0.cli) * 100).toFixed(0)}% of its 0 ms rate)`);
    }
  }
  console.log(
    '  (CPU s: user + system time of each process, sampled. Where it is close to the wall time the machine, not the\n' +
      '   round trip, sets the pace, and the ratios shrink toward the ratio of CPU times.)',
  );
} finally {
  await admin.close();
  await Promise.all(proxies.map((p) => p.close()));
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
}
