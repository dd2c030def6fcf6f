// Listener speed and memory. Each server runs in its own child process (so the load generator in this process has
// a core of its own); the same raw-socket keep-alive load generator drives them all, in alternating rounds, and each
// ratio is the median of the rounds' pairs (on a shared machine other processes move every figure a lot; pairing
// cancels most of it):
// 1. requests/s, p50/p99 latency and CPU time per request of `startListener` with Stripe signature verification
//    (every request a new, correctly signed event id) next to
//    - the floor: a hand-written node:http server that does only what verification and duplicate detection cannot
//      do without (one HMAC, one constant-time compare, one JSON.parse for the id). Goal: listener >= 0.9 of it.
//    - express with `stripe.webhooks.constructEvent`, the handler Stripe's docs teach. Goal: listener >= 2.5x it.
//    - the listener recording every event (`--record`: each answered only once it is in the fdatasynced journal
//      and its fixture file is in place). Goal:
//      >= 0.7 of the listener without it. Beside it, the disk alone: the recorder's writer fed by as many writers
//      as there are connections, with no HTTP, which is as fast as recording can ever be on this machine.
// 2. the listener's resident memory after 100,000 requests (goal < 150 MB).
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from './load.mjs';
import { median } from './stats.mjs';

const SECRET = 'whsec_benchListenerSecret0123456789abcdef';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MEMORY_REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);

function spawnServer(kind, env = process.env) {
  const child = fork(fileURLToPath(import.meta.url), ['serve', kind], { execArgv: ['--expose-gc'], stdio: 'inherit', env });
  return new Promise((resolve) => child.once('message', (m) => resolve({ child, port: m.port })));
}

const ask = (child, what = 'memory') => new Promise((resolve) => { child.once('message', resolve); child.send(what); });

let seq = 0;
const now = Math.floor(Date.now() / 1000);
/** A fresh, correctly signed Stripe event per request (~400 bytes). */
function signedRequest() {
  seq += 1;
  const body = Buffer.from(
    `{\n  "id": "evt_bench${String(seq).padStart(12, '0')}",\n  "object": "event",\n  "api_version": "2026-10-28.endive",\n  "created": ${now},\n  "data": {\n    "object": {\n      "id": "pi_bench${seq}",\n      "object": "payment_intent",\n      "amount": 2000,\n      "currency": "usd",\n      "status": "succeeded"\n    }\n  },\n  "livemode": false,\n  "type": "payment_intent.succeeded"\n}`,
  );
  const mac = createHmac('sha256', SECRET).update(`${now}.`).update(body).digest('hex');
  return { headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': `t=${now},v1=${mac}` }, body };
}


async function main() {
  const KINDS = ['listener', 'record', 'disk', 'floor', 'express'];
  const servers = {};
  for (const kind of KINDS) servers[kind] = await spawnServer(kind);
  const runs = Object.fromEntries(KINDS.map((k) => [k, []]));
  const cpu = Object.fromEntries(KINDS.map((k) => [k, []]));
  for (const kind of KINDS.filter((k) => k !== 'disk')) {
    await load({ port: servers[kind].port, connections: CONNECTIONS, count: 3000, seconds: 2, request: signedRequest }); // warm-up
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of KINDS) {
      const before = (await ask(servers[kind].child, 'cpu')).cpu;
      const r = kind === 'disk' ? (await ask(servers.disk.child, 'write')).result : await load({ port: servers[kind].port, connections: CONNECTIONS, count: 1_000_000, seconds: SECONDS, request: signedRequest });
      const after = (await ask(servers[kind].child, 'cpu')).cpu;
      const bad = Object.entries(r.statuses).filter(([s]) => s !== '200');
      if (bad.length) throw new Error(`${kind} answered ${JSON.stringify(r.statuses)}`);
      runs[kind].push(r);
      cpu[kind].push((after.user + after.system - before.user - before.system) / r.done);
    }
  }
  const recorded = (await ask(servers.record.child, 'recorded')).recorded;
  const sent = runs.record.reduce((n, r) => n + r.done, 0);
  if (recorded < sent) throw new Error(`the recording listener answered ${sent} events 200 but recorded ${recorded}`);
  const summary = (kind) => ({
    rps: median(runs[kind].map((r) => r.rps)),
    p50: median(runs[kind].map((r) => r.p50)),
    p99: median(runs[kind].map((r) => r.p99)),
    cpuUs: median(cpu[kind]),
  });
  const fmt = (r) =>
    `${Math.round(r.rps).toLocaleString('en-US').padStart(7)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   ${r.cpuUs.toFixed(0)} µs CPU/request`;
  console.log(`throughput, ${CONNECTIONS} keep-alive connections, medians of ${ROUNDS} alternating ${SECONDS}-s rounds:`);
  console.log(`  listener, verification on     ${fmt(summary('listener'))}`);
  console.log(`  listener --record (journal)   ${fmt(summary('record'))}`);
  console.log(`  the disk alone: fixture files ${fmt(summary('disk')).replace('req/s', 'files/s')}`);
  console.log(`  floor: HMAC + compare + JSON  ${fmt(summary('floor'))}`);
  console.log(`  express + constructEvent      ${fmt(summary('express'))}`);
  const pairs = (a, b) => runs[a].map((r, i) => r.rps / runs[b][i].rps);
  const goal = (label, a, b, min) => {
    const each = pairs(a, b);
    const ratio = median(each);
    const shown = min >= 1 ? `${ratio.toFixed(2)}x (goal >= ${min}x)` : `${ratio.toFixed(2)} (goal >= ${min})`;
    console.log(`  ${label}: ${shown} ${ratio >= min ? 'met' : 'MISSED'}; rounds: ${each.map((x) => x.toFixed(2)).join(' ')}`);
  };
  goal('listener / floor             ', 'listener', 'floor', 0.9);
  goal('listener / express           ', 'listener', 'express', 2.5);
  goal('listener --record / listener ', 'record', 'listener', 0.7);
  console.log(`  listener --record / the disk alone (how near recording is to what the disk takes): ${median(pairs('record', 'disk')).toFixed(2)}`);
  // What the goal asks of the machine: the recording listener's CPU time per event, at 0.7 of the listener's rate.
  const cores = (0.7 * summary('listener').rps * summary('record').cpuUs) / 1e6;
  console.log(`  CPU the recording listener would need for 0.7 of the listener's rate: ${cores.toFixed(2)} cores ` +
    `(${availableParallelism()} here, the load generator's share included)`);
  for (const kind of ['record', 'disk', 'floor', 'express']) servers[kind].child.kill();

  const { child } = servers.listener;
  const fresh = await spawnServer('listener');
  const start = await ask(fresh.child);
  const r = await load({ port: fresh.port, connections: CONNECTIONS, count: MEMORY_REQUESTS, seconds: 600, request: signedRequest });
  const end = await ask(fresh.child);
  const mb = (b) => (b / 1024 / 1024).toFixed(1);
  console.log(`memory of a fresh listener: ${mb(start.rss)} MB RSS at start, ${mb(end.rss)} MB after ${r.done.toLocaleString('en-US')} requests ` +
    `(${mb(end.rssAfterGc)} MB after a GC, heap ${mb(end.heapUsed)} MB); goal < 150 MB ${end.rss < 150 * 1024 * 1024 ? 'met' : 'MISSED'}`);
  child.kill();
  fresh.child.kill();
}

// Child mode: start one server and report its port; answer CPU, memory and recording questions over IPC.
async function serve(kind) {
  if (kind === 'floor') {
    const key = createSecretKey(Buffer.from(SECRET));
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const [, t = '', v1 = ''] = /t=(\d+),v1=([0-9a-f]{64})/.exec(req.headers['stripe-signature'] ?? '') ?? [];
        const mac = createHmac('sha256', key).update(`${t}.`).update(body).digest();
        if (v1.length !== 64 || !timingSafeEqual(mac, Buffer.from(v1, 'hex'))) return void res.writeHead(400).end();
        const text = `{"received":true,"id":${JSON.stringify(JSON.parse(body.toString()).id)}}`;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text);
      });
    });
    server.keepAliveTimeout = 5000;
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    return { port: server.address().port };
  }
  if (kind === 'express') {
    // As in Stripe's docs: the raw body for the signature, constructEvent, then an answer.
    const { default: express } = await import('express');
    const { default: Stripe } = await import('stripe');
    const stripe = new Stripe('sk_test_bench');
    const app = express();
    app.post('/', express.raw({ type: 'application/json' }), (req, res) => {
      let event;
      try {
        event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'], SECRET);
      } catch (error) {
        return void res.status(400).send(`Webhook Error: ${error.message}`);
      }
      res.json({ received: true, id: event.id });
    });
    const server = await new Promise((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
    server.keepAliveTimeout = 5000;
    return { port: server.address().port };
  }
  if (kind === 'disk') {
    // What the disk takes without any HTTP: the recorder's writer fed by as many writers as there are connections,
    // each writing the next file once its last is on disk.
    const { GroupCommitWriter } = await import('../dist/core/group-commit.js');
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-disk-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const writer = new GroupCommitWriter(dir);
    const text = JSON.stringify({ provider: 'stripe', method: 'POST', path: '/', headers: signedRequest().headers, body: signedRequest().body.toString() }, null, 2);
    let n = 0;
    const write = async () => {
      const t0 = performance.now();
      const deadline = t0 + SECONDS * 1000;
      const latencies = [];
      const one = async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          await writer.write(`${String(++n).padStart(8, '0')}.json`, text);
          latencies.push(performance.now() - t);
        }
      };
      await Promise.all(Array.from({ length: CONNECTIONS }, one));
      latencies.sort((a, b) => a - b);
      const done = latencies.length;
      return { done, rps: done / ((performance.now() - t0) / 1000), p50: latencies[done >> 1], p99: latencies[Math.floor(done * 0.99)], statuses: { 200: done } };
    };
    return { port: 0, write };
  }
  const { startListener } = await import('../dist/listener/index.js');
  const recordDir = kind === 'record' ? mkdtempSync(join(tmpdir(), 'switchyard-bench-record-')) : undefined;
  if (recordDir) process.on('exit', () => rmSync(recordDir, { recursive: true, force: true }));
  const listener = await startListener({ host: '127.0.0.1', port: 0, secret: SECRET, provider: 'stripe', recordDir });
  return { port: listener.port, recorded: () => readdirSync(recordDir).filter((f) => f.endsWith('.json')).length };
}

if (process.argv[2] === 'serve') {
  const server = await serve(process.argv[3]);
  process.on('message', (m) => {
    if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (m === 'write') void server.write().then((result) => process.send({ result }));
    if (m === 'recorded') process.send({ recorded: server.recorded?.() ?? 0 });
    if (m === 'memory') {
      const before = process.memoryUsage().rss;
      globalThis.gc?.();
      process.send({ rss: before, rssAfterGc: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
    }
  });
  // Dies with the bench, even when the bench itself fails (and SIGTERM still runs the exit handler).
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.send({ port: server.port });
} else {
  await main();
}
