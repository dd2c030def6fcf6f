import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFixture } from '../../../src/core/fixtures.js';
import { replayFixtures, type ReplayOptions, type ReplayResult } from '../../../src/replay/engine.js';
import { loadFixtures } from '../../../src/replay/load.js';
import { FakeClock } from '../../support/fake-clock.js';
import { startPeer, stripeValid, type Peer } from '../listener/peer.js';

const SHIPPED = fileURLToPath(new URL('../../../fixtures/webhooks/stripe/', import.meta.url));
const SECRET = 'whsec_replayTestSecret0123456789abcdef0123';
let dir: string;
const peers: Peer[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-replay-'));
});
afterEach(async () => {
  while (peers.length) await peers.pop()!.close();
  rmSync(dir, { recursive: true, force: true });
});
async function peer(handler?: Peer['handler']): Promise<Peer> {
  const p = await startPeer(handler);
  peers.push(p);
  return p;
}
/** Writes n bare Stripe event bodies named 01.json … so their order is known. */
function bodies(n: number, type = (i: number) => (i % 2 ? 'charge.succeeded' : 'payment_intent.succeeded')): void {
  for (let i = 0; i < n; i++) {
    writeFileSync(join(dir, `${String(i + 1).padStart(2, '0')}.json`), JSON.stringify({ id: `evt_${i + 1}`, object: 'event', type: type(i) }, null, 2));
  }
}
function options(to: string, extra: Partial<ReplayOptions> = {}): ReplayOptions {
  return { to, concurrency: 4, retries: 0, timeoutMs: 5000, prepare: { secret: SECRET, keepSignature: false, headers: {} }, ...extra };
}
async function run(paths: string[], opts: ReplayOptions): Promise<{ results: ReplayResult[]; summary: Awaited<ReturnType<typeof replayFixtures>> }> {
  const results: ReplayResult[] = [];
  const summary = await replayFixtures(await loadFixtures(paths), opts, (r) => results.push(r));
  return { results, summary };
}

describe('replayFixtures', () => {
  it('re-signs recorded envelopes with a fresh timestamp that the receiver verifies with its own code', async () => {
    const app = await peer();
    const { summary } = await run([SHIPPED], options(app.url));
    expect(summary.failed).toBe(0);
    expect(app.requests.length).toBeGreaterThanOrEqual(4);
    for (const r of app.requests) expect(stripeValid(r.headers['stripe-signature'], r.body, SECRET, 60)).toBe(true);
  });

  it('sends the recorded signature unchanged with keepSignature, and the exact recorded body', async () => {
    const app = await peer();
    const file = join(SHIPPED, 'charge.refunded.json');
    await run([file], options(app.url, { prepare: { secret: SECRET, keepSignature: true, headers: { 'x-replay': '1' } } }));
    const parsed = parseFixture(readFileSync(file), file);
    if (parsed.kind !== 'envelope') throw new Error('not an envelope');
    const [request] = app.requests;
    expect(request!.headers['stripe-signature']).toBe(parsed.envelope.headers['stripe-signature']);
    expect(request!.headers['x-replay']).toBe('1');
    expect(request!.body.toString('utf8')).toBe(parsed.envelope.body);
  });

  it('signs bare bodies as Stripe events and sends them as JSON', async () => {
    bodies(1);
    const app = await peer();
    await run([dir], options(app.url));
    const [request] = app.requests;
    expect(request!.headers['content-type']).toMatch(/^application\/json/);
    expect(request!.body.toString()).toBe(readFileSync(join(dir, '01.json'), 'utf8'));
    expect(stripeValid(request!.headers['stripe-signature'], request!.body, SECRET)).toBe(true);
  });

  it('with concurrency 1 sends a directory in file-name order, one at a time', async () => {
    bodies(12);
    const app = await peer();
    const { results } = await run([dir], options(app.url, { concurrency: 1 }));
    expect(app.maxInFlight).toBe(1);
    expect(app.requests.map((r) => (JSON.parse(r.body.toString()) as { id: string }).id)).toEqual(Array.from({ length: 12 }, (_, i) => `evt_${i + 1}`));
    expect(results.map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => `evt_${i + 1}`));
  });

  it('keeps exactly --concurrency requests in flight', async () => {
    bodies(12);
    // Each answer waits until four requests are open (or a second has passed), so a lower concurrency shows.
    let gate: () => void = () => {};
    let opened = new Promise<void>((r) => (gate = r));
    const app = await peer(() => {
      if (app.inFlight >= 4) {
        gate();
        opened = new Promise<void>((r) => (gate = r));
        return { status: 200 };
      }
      return { status: 200, hold: Promise.race([opened, new Promise((r) => setTimeout(r, 1000))]) };
    });
    const { summary } = await run([dir], options(app.url, { concurrency: 4 }));
    expect(summary).toMatchObject({ total: 12, ok: 12, failed: 0 });
    expect(app.maxInFlight).toBe(4);
  });

  it('spreads fixtures at --rate with no burst', async () => {
    bodies(6);
    const app = await peer();
    const clock = new FakeClock(Date.now());
    const started = clock.now();
    await run([dir], options(app.url, { concurrency: 4, ratePerSec: 10, clock }));
    expect(app.requests).toHaveLength(6);
    // Six starts at 10/s: the first at once, then one every 100 ms of (virtual) time.
    expect(clock.now() - started).toBeGreaterThanOrEqual(500);
    expect(clock.now() - started).toBeLessThan(700);
  });

  it('skips fixtures outside --events and reports them', async () => {
    bodies(4);
    const app = await peer();
    const { results, summary } = await run([dir], options(app.url, { concurrency: 1, events: ['charge.*'] }));
    expect(app.requests).toHaveLength(2);
    expect(results.map((r) => [r.type, r.skipped])).toEqual([
      ['payment_intent.succeeded', true],
      ['charge.succeeded', false],
      ['payment_intent.succeeded', true],
      ['charge.succeeded', false],
    ]);
    expect(summary).toMatchObject({ ok: 2, skipped: 2, failed: 0 });
  });

  it('retries a 429 after its Retry-After and reports a 500 that does not go away', async () => {
    bodies(2);
    const app = await peer((r) => {
      const id = (JSON.parse(r.body.toString()) as { id: string }).id;
      if (id === 'evt_2') return { status: 500, body: 'boom' };
      return app.requests.length === 1 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 204 };
    });
    const clock = new FakeClock(Date.now());
    const { results, summary } = await run([dir], options(app.url, { concurrency: 1, retries: 2, clock }));
    expect(results[0]).toMatchObject({ status: 204, ok: true, attempts: 2 });
    expect(results[1]).toMatchObject({ status: 500, ok: false, attempts: 3 });
    expect(clock.sleeps[0]).toBe(3000);
    expect(summary).toMatchObject({ ok: 1, failed: 1, answered: 1 });
  });
});
