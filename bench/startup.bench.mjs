// Start-up and verification speed.
// 1. Median wall time of `switchyard --help`, of `switchyard webhooks verify <one fixture>` and of `node -e 0`,
//    over alternating runs (so drift on a shared machine hits all three alike), and their ratios to `node -e 0`.
//    Goals: --help <= 1.6x, one-file verify <= 2.0x. Also checks that neither run loads the Stripe or Azure SDKs.
// 2. Verification throughput: 10,000 fixtures verified in one process through verifyWebhook.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyWebhook } from '../dist/adapters/webhooks/index.js';
import { envelopeBody, parseFixture } from '../dist/core/fixtures.js';
import { median } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/switchyard.js');
const fixture = join(root, 'fixtures/webhooks/stripe/payment_intent.succeeded.json');
const SECRET = 'whsec_switchyardFixtureTestOnly7f3a9c2e1b';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
// A clean environment: variables such as NODE_EXTRA_CA_CERTS or NODE_OPTIONS slow every node start-up alike and
// would flatter the ratios. The code cache in a folder of its own: other checkouts and installs sharing the user's
// cache folder must not replace it in the middle of the run.
const cacheDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-cache-'));
process.on('exit', () => rmSync(cacheDir, { recursive: true, force: true }));
const env = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', SWITCHYARD_CACHE_DIR: cacheDir };

const commands = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'switchyard --help': [process.execPath, [bin, '--help']],
  'webhooks verify (1 file)': [process.execPath, [bin, 'webhooks', 'verify', fixture, '--secret', SECRET, '--ignore-time']],
};

function timeOnce([cmd, args]) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}


for (const c of Object.values(commands)) timeOnce(c); // warm the file cache
const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, c] of Object.entries(commands)) samples[name].push(timeOnce(c));
}
const base = median(samples['node -e 0']);
const goals = { 'switchyard --help': 1.6, 'webhooks verify (1 file)': 2.0 };
console.log(`start-up, median of ${ROUNDS} alternating runs each:`);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  const goal = goals[name];
  const ratio = m / base;
  const verdict = goal === undefined ? '' : `  ratio ${ratio.toFixed(2)} (goal <= ${goal}: ${ratio <= goal ? 'met' : 'MISSED'})`;
  console.log(`  ${name.padEnd(26)} ${m.toFixed(1).padStart(7)} ms${verdict}`);
}

// Which modules the two CLI runs load: NODE_DEBUG=esm,module logs every ESM and CommonJS load.
for (const name of ['switchyard --help', 'webhooks verify (1 file)']) {
  const [cmd, args] = commands[name];
  const r = spawnSync(cmd, args, { env: { ...env, NODE_DEBUG: 'esm,module' }, encoding: 'utf8' });
  const sdks = [...new Set(r.stderr.match(/node_modules\/(stripe|@azure\/[\w-]+|rhea)\//g) ?? [])];
  console.log(`  ${name} loads an SDK: ${sdks.length ? 'YES ' + sdks.join(', ') : 'no'}`);
}

// Throughput: the shipped fixtures of all five providers, parsed once, verified 10,000 times in turn.
const secrets = {
  stripe: SECRET,
  github: 'switchyard-github-fixture-secret',
  standard: 'whsec_c3dpdGNoeWFyZC1maXh0dXJlcy1vbmx5',
  shopify: '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',
  slack: '5a1f0c9e8d7b6a5f4e3d2c1b0a9f8e7d',
};
const files = [
  'stripe/payment_intent.succeeded.json',
  'stripe/charge.refunded.json',
  'github/push.json',
  'standard/invoice.paid.json',
  'shopify/orders-create.json',
  'slack/event_callback.json',
].map((f) => readFileSync(join(root, 'fixtures/webhooks', f), 'utf8'));
const N = 10_000;
const run = (withParse) => {
  const parsed = files.map((text) => parseFixture(text, 'bench').envelope);
  let valid = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const envelope = withParse ? parseFixture(files[i % files.length], 'bench').envelope : parsed[i % parsed.length];
    const r = verifyWebhook({
      provider: 'auto',
      body: envelopeBody(envelope),
      headers: envelope.headers,
      secret: secrets[envelope.provider],
      ignoreTime: true,
    });
    if (r.valid) valid++;
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  if (valid !== N) throw new Error(`only ${valid} of ${N} verified`);
  return N / s;
};
run(false); // warm-up
console.log(`verification throughput (${N} fixtures, 6 shapes, all five providers, one process):`);
console.log(`  verifyWebhook only            ${Math.round(run(false)).toLocaleString('en')} fixtures/s`);
console.log(`  parseFixture + verifyWebhook  ${Math.round(run(true)).toLocaleString('en')} fixtures/s`);
