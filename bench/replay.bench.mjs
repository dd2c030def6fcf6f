// Replay speed: `replayFixtures` (the engine behind `webhooks replay`) sending re-signed Stripe fixtures to a local
// sink at concurrency 32. The sink, a node:http server that reads each body and answers 200, runs in a child
// process so that it does not share a core with the engine. Goal: >= 5,000 fixtures/s on a 2-core machine.
// Also: the same from a directory of fixture files (loading and parsing them included), and for reference the rate
// of node's own http client alone (keep-alive agent, 32 in flight, one prepared body): the ceiling of this machine.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const COUNT = Number(process.env.BENCH_REPLAY_COUNT ?? 20_000);
const FILES = Number(process.env.BENCH_REPLAY_FILES ?? 2_000);
const CONCURRENCY = 32;
const SECRET = 'whsec_benchReplaySecret0123456789abcdef01';

if (process.argv[2] === 'sink') {
  let seen = 0;
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      seen += 1;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  process.on('disconnect', () => process.exit(0));
  process.on('message', () => process.send({ seen }));
  process.send({ port: server.address().port });
} else {
  const { parseFixture } = await import('../dist/core/fixtures.js');
  const { replayFixtures } = await import('../dist/replay/engine.js');
  const { loadFixtures } = await import('../dist/replay/load.js');
  const sink = fork(fileURLToPath(import.meta.url), ['sink'], { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => sink.once('message', resolve));
  const to = `http://127.0.0.1:${port}/webhooks`;

  const body = (i) =>
    JSON.stringify({ id: `evt_replay${String(i).padStart(10, '0')}`, object: 'event', type: i % 2 ? 'charge.succeeded' : 'payment_intent.succeeded',
      created: 1_800_000_000, livemode: false, data: { object: { id: `pi_${i}`, object: 'payment_intent', amount: 2000, currency: 'usd', status: 'succeeded' } } }, null, 2);
  const options = { to, concurrency: CONCURRENCY, retries: 3, timeoutMs: 30_000, prepare: { secret: SECRET, keepSignature: false, headers: {} } };
  let failed = 0;
  const onResult = (r) => { if (!r.ok) failed += 1; };

  const warm = Array.from({ length: 2000 }, (_, i) => ({ file: `warm-${i}.json`, fixture: parseFixture(body(i), 'warm') }));
  await replayFixtures(warm, options, onResult);

  const fixtures = Array.from({ length: COUNT }, (_, i) => ({ file: `${i}.json`, fixture: parseFixture(body(i), `${i}.json`) }));
  let t = performance.now();
  const summary = await replayFixtures(fixtures, options, onResult);
  let seconds = (performance.now() - t) / 1000;
  const rate = summary.ok / seconds;
  console.log(`replay of ${COUNT.toLocaleString('en-US')} re-signed fixtures to a local sink, concurrency ${CONCURRENCY}: ` +
    `${Math.round(rate).toLocaleString('en-US')} fixtures/s (${seconds.toFixed(2)} s, ${summary.failed} failed); goal >= 5,000/s ${rate >= 5000 ? 'met' : 'MISSED'}`);

  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-replay-'));
  try {
    for (let i = 0; i < FILES; i++) writeFileSync(join(dir, `${String(i).padStart(6, '0')}.json`), body(i));
    t = performance.now();
    const loaded = await loadFixtures([dir]);
    const fromDisk = await replayFixtures(loaded, options, onResult);
    seconds = (performance.now() - t) / 1000;
    console.log(`from a directory of ${FILES.toLocaleString('en-US')} files (reading and parsing included): ` +
      `${Math.round(fromDisk.ok / seconds).toLocaleString('en-US')} fixtures/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const raw = Buffer.from(body(1));
  const post = () => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/webhooks', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': raw.length } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(raw);
  });
  let next = 0;
  t = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next++ < COUNT) await post(); }));
  seconds = (performance.now() - t) / 1000;
  console.log(`reference: node:http client alone, same sink and concurrency: ${Math.round(COUNT / seconds).toLocaleString('en-US')} requests/s`);
  agent.destroy();

  const { seen } = await new Promise((resolve) => { sink.once('message', resolve); sink.send('count'); });
  if (failed) console.log(`warning: ${failed} fixtures did not get a 2xx; the sink saw ${seen} requests`);
  sink.kill();
}
