// Payments speed, against the project's Stripe-compatible server on 127.0.0.1 (dist/testing/stripe-server, the same
// server the tests use; it is compiled into dist/ so that this plain-JS bench can start it).
// 1. Median wall time of `switchyard payments create` (a whole CLI run: start-up, loading the stripe SDK, one POST)
//    next to `node -e 0` and `switchyard payments --help` (which must not load the SDK), over alternating runs.
// 2. Creates per second through the adapter in one process: one at a time, and 8 in flight.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPaymentsPort } from '../dist/adapters/payments/index.js';
import { loadConfig } from '../dist/core/config.js';
import { startStripeServer } from '../dist/testing/stripe-server/index.js';
import { median } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/switchyard.js');
const KEY = 'sk_test_51BenchKeyAbcdefghijklmnopqrstuvwxyz';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

const server = await startStripeServer();
const env = {
  PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', STRIPE_SUPPRESS_NOTICES: 'true',
  STRIPE_API_KEY: KEY, STRIPE_API_BASE: server.url,
};

// Asynchronous spawn: the server lives in this process and must keep answering while the CLI runs.
function timeOnce(args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve(ms);
    });
  });
}


const commands = {
  'node -e 0': ['-e', '0'],
  'switchyard payments --help': [bin, 'payments', '--help'],
  'switchyard payments create': [bin, 'payments', 'create', '--amount', '20.00', '--currency', 'usd', '--payment-method', 'pm_card_visa', '--confirm'],
};
for (const args of Object.values(commands)) await timeOnce(args); // warm the file cache
const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, args] of Object.entries(commands)) samples[name].push(await timeOnce(args));
}
const base = median(samples['node -e 0']);
console.log(`one CLI run, median of ${ROUNDS} alternating runs each:`);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  console.log(`  ${name.padEnd(28)} ${m.toFixed(0).padStart(5)} ms   ${(m / base).toFixed(2)}x node -e 0`);
}
const sdkCost = median(samples['switchyard payments create']) - median(samples['switchyard payments --help']);
console.log(`  create minus --help (SDK load + one request): ${sdkCost.toFixed(0)} ms`);

const config = loadConfig({ STRIPE_API_KEY: KEY, STRIPE_API_BASE: server.url }, {});
const port = await createPaymentsPort(config);
for (let i = 0; i < 50; i++) await port.create({ amount: 2000, currency: 'usd' }); // warm up the SDK and the agent

async function throughput(inFlight) {
  server.reset();
  const until = performance.now() + SECONDS * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < until) {
      await port.create({ amount: 2000, currency: 'usd', paymentMethod: 'pm_card_visa', confirm: true });
      done += 1;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  if (server.intents.all().length !== done) throw new Error(`server holds ${server.intents.all().length} PaymentIntents for ${done} creates`);
  return done / seconds;
}

console.log(`creates through the adapter in one process (${SECONDS} s each, confirmed with pm_card_visa):`);
for (const inFlight of [1, 8]) {
  const rate = await throughput(inFlight);
  console.log(`  ${String(inFlight).padStart(2)} in flight: ${rate.toFixed(0).padStart(6)} creates/s   ${(1000 / rate * inFlight).toFixed(2)} ms per create`);
}
await server.close();
