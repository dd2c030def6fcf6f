// Listener speed and memory. Each server runs in its own child process (so the load generator in this process has
// a core of its own); the same raw-socket keep-alive load generator drives both:
// 1. requests/s and p50/p99 latency of `startListener` with Stripe signature verification on (every request a new
//    event id, signed with the secret) next to a bare node:http server that reads the body and answers 200, in
//    alternating rounds; the medians are shown, and the ratio is the median of each round's pair (on a shared
//    machine other processes move both figures a lot, pairing cancels most of it). Goal: ratio >= 0.7.
//    Also each server's CPU time per request, which moves less with the machine's load, and the listener without a
//    secret (no verification), which shows what the signature check itself costs.
//    And a floor for any verifying listener: a hand-written node:http server that does only what verification
//    and duplicate detection cannot do without (one HMAC, one constant-time compare, one JSON.parse for the id) and
//    nothing else, so the ratio goal can be read against what this machine allows at all.
// 2. the listener's resident memory after 100,000 requests (goal < 150 MB).
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { load } from './load.mjs';

const SECRET = 'whsec_benchListenerSecret0123456789abcdef';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MEMORY_REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);

function spawnServer(kind) {
  const child = fork(fileURLToPath(import.meta.url), ['serve', kind], { execArgv: ['--expose-gc'], stdio: 'inherit' });
  return new Promise((resolve) => child.once('message', (m) => resolve({ child, port: m.port })));
}

const ask = (child, what = 'memory') => new Promise((resolve) => { child.once('message', resolve); child.send(what); });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

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
  const KINDS = ['bare', 'listener', 'unverified', 'floor'];
  const servers = {};
  for (const kind of KINDS) servers[kind] = await spawnServer(kind);
  const runs = Object.fromEntries(KINDS.map((k) => [k, []]));
  const cpu = Object.fromEntries(KINDS.map((k) => [k, []]));
  for (const kind of KINDS) {
    await load({ port: servers[kind].port, connections: CONNECTIONS, count: 3000, seconds: 2, request: signedRequest }); // warm-up
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of KINDS) {
      const before = (await ask(servers[kind].child, 'cpu')).cpu;
      const r = await load({ port: servers[kind].port, connections: CONNECTIONS, count: 1_000_000, seconds: SECONDS, request: signedRequest });
      const after = (await ask(servers[kind].child, 'cpu')).cpu;
      const bad = Object.entries(r.statuses).filter(([s]) => s !== '200');
      if (bad.length) throw new Error(`${kind} answered ${JSON.stringify(r.statuses)}`);
      runs[kind].push(r);
      cpu[kind].push((after.user + after.system - before.user - before.system) / r.done);
    }
  }
  const summary = (kind) => ({
    rps: median(runs[kind].map((r) => r.rps)),
    p50: median(runs[kind].map((r) => r.p50)),
    p99: median(runs[kind].map((r) => r.p99)),
    cpuUs: median(cpu[kind]),
  });
  const bare = summary('bare');
  const listener = summary('listener');
  const unverified = summary('unverified');
  const floor = summary('floor');
  const fmt = (r) =>
    `${Math.round(r.rps).toLocaleString('en-US').padStart(7)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   ${r.cpuUs.toFixed(0)} µs CPU/request`;
  console.log(`throughput, ${CONNECTIONS} keep-alive connections, medians of ${ROUNDS} alternating ${SECONDS}-s rounds:`);
  console.log(`  bare node:http             ${fmt(bare)}`);
  console.log(`  listener, verification on  ${fmt(listener)}`);
  console.log(`  listener, no secret        ${fmt(unverified)}`);
  console.log(`  floor: HMAC + JSON only    ${fmt(floor)}`);
  const ratio = median(runs.listener.map((r, i) => r.rps / runs.bare[i].rps));
  console.log(`  ratio listener/bare: ${ratio.toFixed(2)} (goal >= 0.70) ${ratio >= 0.7 ? 'met' : 'MISSED'}; ` +
    `rounds: ${runs.listener.map((r, i) => (r.rps / runs.bare[i].rps).toFixed(2)).join(' ')}`);
  const ratioUnverified = median(runs.unverified.map((r, i) => r.rps / runs.bare[i].rps));
  console.log(`  ratio without verification: ${ratioUnverified.toFixed(2)}`);
  const pairs = (kind) => runs[kind].map((r, i) => r.rps / runs.bare[i].rps);
  console.log(`  ratio of the floor (the least a verifying server does): ${median(pairs('floor')).toFixed(2)}; ` +
    `listener/floor: ${median(runs.listener.map((r, i) => r.rps / runs.floor[i].rps)).toFixed(2)}`);
  servers.bare.child.kill();
  servers.unverified.child.kill();
  servers.floor.child.kill();

  const { child, port } = servers.listener;
  const fresh = await spawnServer('listener');
  const start = await ask(fresh.child);
  const r = await load({ port: fresh.port, connections: CONNECTIONS, count: MEMORY_REQUESTS, seconds: 600, request: signedRequest });
  const end = await ask(fresh.child);
  const mb = (b) => (b / 1024 / 1024).toFixed(1);
  console.log(`memory of a fresh listener: ${mb(start.rss)} MB RSS at start, ${mb(end.rss)} MB after ${r.done.toLocaleString('en-US')} requests ` +
    `(${mb(end.rssAfterGc)} MB after a GC, heap ${mb(end.heapUsed)} MB); goal < 150 MB ${end.rss < 150 * 1024 * 1024 ? 'met' : 'MISSED'}`);
  void port;
  child.kill();
  fresh.child.kill();
}

// Child mode: start one server and report its port; answer memory questions over IPC.
if (process.argv[2] === 'serve') {
  let port;
  if (process.argv[3] === 'bare') {
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '17' }).end('{"received":true}');
      });
    });
    server.keepAliveTimeout = 5000;
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    port = server.address().port;
  } else if (process.argv[3] === 'floor') {
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
    port = server.address().port;
  } else {
    const { startListener } = await import('../dist/listener/index.js');
    const verify = process.argv[3] === 'listener';
    const listener = await startListener({ host: '127.0.0.1', port: 0, ...(verify ? { secret: SECRET, provider: 'stripe' } : {}) });
    port = listener.port;
  }
  process.on('message', (m) => {
    if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (m === 'memory') {
      const before = process.memoryUsage().rss;
      globalThis.gc?.();
      process.send({ rss: before, rssAfterGc: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
    }
  });
  // Dies with the bench, even when the bench itself fails.
  process.on('disconnect', () => process.exit(0));
  process.send({ port });
} else {
  await main();
}

