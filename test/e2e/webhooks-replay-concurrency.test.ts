import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startPeer, stripeEvent, stripeValid, type Peer } from '../integration/listener/peer.js';

/*
 * `webhooks replay` at a concurrency above ten: every request in flight and every retry waiting listens for
 * Ctrl-C, and node warns on stderr past ten listeners on one signal unless replay allows for them.
 */

const SECRET = 'whsec_e2eReplayConcurrency0never0printed';
const COUNT = 80;
let dir: string;
const peers: Peer[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-replay-c-'));
  for (let i = 0; i < COUNT; i++) {
    writeFileSync(join(dir, `${String(i).padStart(4, '0')}.json`), stripeEvent('charge.succeeded', `evt_c${i}`, `, "n": ${i}`));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  while (peers.length) await peers.pop()!.close();
});

describe('switchyard webhooks replay --concurrency 32', () => {
  it('sends every fixture re-signed and byte for byte, with nothing but the summary on stderr', async () => {
    const app = await startPeer();
    peers.push(app);
    const r = await runCli(['webhooks', 'replay', dir, '--to', app.url, '--secret', SECRET, '--concurrency', '32']);
    expect(r.stderr).not.toMatch(/Warning/);
    expect(r.code).toBe(0);
    expect(app.maxInFlight).toBeLessThanOrEqual(32);
    expect(app.requests).toHaveLength(COUNT);
    const bodies = app.requests.map((q) => q.body.toString('utf8')).sort();
    const sent = Array.from({ length: COUNT }, (_, i) => stripeEvent('charge.succeeded', `evt_c${i}`, `, "n": ${i}`)).sort();
    expect(bodies).toEqual(sent);
    for (const q of app.requests) expect(stripeValid(q.headers['stripe-signature'], q.body, SECRET)).toBe(true);
  });

  it('retries at that concurrency without a warning, and reports every failure (the circuit opens after five)', async () => {
    const app = await startPeer(() => ({ status: 503, body: 'busy' }));
    peers.push(app);
    const r = await runCli(['webhooks', 'replay', dir, '--to', app.url, '--secret', SECRET, '--concurrency', '32', '--retries', '1']);
    expect(r.stderr).not.toMatch(/Warning/);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(COUNT);
    expect(lines.every((l) => /^\[(503|ERR)\] /.test(l))).toBe(true);
    expect(lines.some((l) => /circuit open/.test(l))).toBe(true);
  });
});
