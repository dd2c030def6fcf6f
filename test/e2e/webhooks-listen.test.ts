import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';
import { send, signedStripe, startPeer, type Peer } from '../integration/listener/peer.js';

const SECRET = 'whsec_e2eListenSecret0never0printed0abc';

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
const peers: Peer[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  while (peers.length) await peers.pop()!.close();
});

/** Spawns `switchyard webhooks listen … --port 0` and waits for its Ready line. */
function listen(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'webhooks', 'listen', '--port', '0', ...args], { env: cleanEnv(env) });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no Ready line: ${err}`)), 15_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const url = /(http:\/\/127\.0\.0\.1:\d+\/[^\s"]*)/.exec(err)?.[1];
      if (url && /Ready|"ready":true/.test(err)) {
        clearTimeout(timer);
        resolve({ child, url, stdout: () => out, stderr: () => err, exited });
      }
    });
    child.on('close', () => reject(new Error(`listen exited early: ${err}`)));
  });
}

async function peer(handler?: Peer['handler']): Promise<Peer> {
  const p = await startPeer(handler);
  peers.push(p);
  return p;
}

describe('switchyard webhooks listen', () => {
  it('on SIGINT lets the forward in flight finish, prints it, and exits 130', async () => {
    let release!: () => void;
    const app = await peer(() => ({ status: 200, body: 'handled', hold: new Promise<void>((r) => (release = r)) }));
    const l = await listen(['--secret', SECRET, '--forward-to', `${app.url}/hook`, '--json']);
    const ready = JSON.parse(l.stderr().split('\n')[0]!) as Record<string, unknown>;
    expect(ready).toMatchObject({ ready: true, url: l.url, secret: expect.stringMatching(/^whsec_…/) });
    const event = signedStripe(SECRET, 'payment_intent.succeeded', 'evt_inflight');
    expect((await send(l.url, event.body, event.headers)).status).toBe(200);
    await app.received(1);
    l.child.kill('SIGINT');
    // The listener is now draining; the app answers a moment later and that answer must still be reported.
    setTimeout(() => release(), 300);
    expect(await l.exited).toBe(130);
    const [line] = l.stdout().trim().split('\n').map((s) => JSON.parse(s) as Record<string, unknown>);
    expect(line).toMatchObject({
      type: 'payment_intent.succeeded',
      id: 'evt_inflight',
      verified: true,
      duplicate: false,
      skipped: false,
      recorded: null,
      forwards: [{ url: `${app.url}/hook`, status: 200, ok: true, attempts: 1, error: null }],
    });
    expect(Object.keys(line!)).toEqual(expect.arrayContaining(['receivedAt', 'provider', 'reason', 'forwards']));
    expect(l.stderr()).toMatch(/stopped: received 1, accepted 1/);
    expect(l.stderr() + l.stdout()).not.toContain(SECRET);
  });

  it('prints --> and <-- lines like the Stripe CLI, and the response body with --verbose', async () => {
    const app = await peer(() => ({ status: 201, body: 'created order 42' }));
    const l = await listen(['--secret', SECRET, '--forward-to', app.url, '--verbose']);
    expect(l.stderr()).toMatch(/^Ready! Listening on http:\/\/127\.0\.0\.1:\d+\/ \(secret whsec_…[\w=]{4}, provider auto\)/);
    const event = signedStripe(SECRET, 'charge.succeeded', 'evt_lines');
    await send(l.url, event.body, event.headers);
    await send(l.url, '', {}, 'GET');
    await app.received(1);
    l.child.kill('SIGTERM');
    expect(await l.exited).toBe(130);
    const lines = l.stdout().trim().split('\n');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d {2}--> charge\.succeeded \[evt_lines\] verified$/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  <-- \\[201\\] POST ${app.url}/ \\[evt_lines\\] \\d+ ms$`)));
    expect(lines).toContainEqual(expect.stringMatching(/--> \[405\] GET \/ method GET not allowed/));
    expect(l.stderr()).toContain('      created order 42');
    expect(l.stderr() + l.stdout()).not.toContain(SECRET);
  });

  it('exits 2 for a malformed --route, a port in use, and a forward to itself', async () => {
    const bad = await runCli(['webhooks', 'listen', '--route', 'payment_intent.*']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid --route/);

    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const busy = await runCli(['webhooks', 'listen', '--port', String(port)]);
    blocker.close();
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/already in use.*--port 0/i);

    const self = await runCli(['webhooks', 'listen', '--port', String(port), '--forward-to', `http://localhost:${port}/`]);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/is the listener itself/);
  });

  it('--forward-queue enqueues each event on Service Bus, and refuses a queue that does not exist', async () => {
    const emulator = await startEmulator({ port: 0, config: { queues: [{ name: 'stripe-events' }] } });
    try {
      const env = { SERVICEBUS_CONNECTION_STRING: emulator.connectionString };
      const l = await listen(['--secret', SECRET, '--forward-queue', 'stripe-events'], env);
      expect(l.stderr()).toMatch(/enqueueing → Service Bus stripe-events/);
      const event = signedStripe(SECRET, 'invoice.paid', 'evt_toqueue');
      await send(l.url, event.body, event.headers);
      l.child.kill('SIGINT');
      expect(await l.exited).toBe(130);
      expect(l.stdout()).toMatch(new RegExp(`<-- \\[sent\\] SEND sb://127\\.0\\.0\\.1:${emulator.port}/stripe-events \\[evt_toqueue\\] \\d+ ms`));
      expect(emulator.entityCounts('stripe-events')?.active).toBe(1);

      const missing = await runCli(['webhooks', 'listen', '--port', '0', '--forward-queue', 'nope'], { env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/nope/);
    } finally {
      await emulator.close();
    }
  });
});
