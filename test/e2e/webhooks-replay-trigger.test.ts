import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startPeer, stripeValid, type Peer } from '../integration/listener/peer.js';

const SHIPPED = fileURLToPath(new URL('../../fixtures/webhooks/stripe/', import.meta.url));
const SECRET = 'whsec_e2eReplaySecret0never0printed0abcd';
let dir: string;
const peers: Peer[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-replay-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  while (peers.length) await peers.pop()!.close();
});
async function peer(handler?: Peer['handler']): Promise<Peer> {
  const p = await startPeer(handler);
  peers.push(p);
  return p;
}
async function deadUrl(): Promise<string> {
  const p = await startPeer();
  await p.close();
  return p.url;
}

describe('switchyard webhooks replay', () => {
  it('exits 0 when every fixture gets a 2xx, with a line per fixture and a summary', async () => {
    const app = await peer();
    const r = await runCli(['webhooks', 'replay', SHIPPED, '--to', app.url, '--secret', SECRET, '--concurrency', '1']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(/^\[200\] .+\.json {2}[a-z_.]+ \[evt_\w+\] \d+ ms$/);
    expect(r.stderr).toMatch(/replayed 4 fixture\(s\) to .+: 4 ok, 0 failed/);
    for (const request of app.requests) expect(stripeValid(request.headers['stripe-signature'], request.body, SECRET)).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('prints one JSON object per fixture with --json and exits 1 when one gets no 2xx', async () => {
    const app = await peer((req) => (req.body.toString().includes('charge.refunded') ? { status: 500 } : { status: 204 }));
    const r = await runCli(['webhooks', 'replay', SHIPPED, '--to', app.url, '--secret', SECRET, '--retries', '0', '--json']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.type === 'charge.refunded')).toMatchObject({ status: 500, ok: false, attempts: 1, resigned: true });
    expect(lines.filter((l) => l.status === 204)).toHaveLength(3);
    const error = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { error: { code: string; message: string } };
    expect(error.error).toMatchObject({ code: 'check_failed' });
    expect(error.error.message).toMatch(/1 of 4 fixture/);
  });

  it('exits 2 for an invalid fixture before sending anything, and without --to', async () => {
    const app = await peer();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ method: 'POST', headers: {}, body: { parsed: true } }));
    const r = await runCli(['webhooks', 'replay', join(SHIPPED, 'charge.refunded.json'), bad, '--to', app.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: invalid fixture/);
    expect(app.requests).toHaveLength(0);
    const noTo = await runCli(['webhooks', 'replay', SHIPPED]);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toMatch(/--to/);
  });

  it('exits 4 when the target never answers', async () => {
    const r = await runCli(['webhooks', 'replay', join(SHIPPED, 'charge.refunded.json'), '--to', await deadUrl(), '--retries', '0']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/\[ERR\] .+ connection refused/);
  });

  it('exits 0 for a directory with no fixtures', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const r = await runCli(['webhooks', 'replay', empty, '--to', 'http://127.0.0.1:9/']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no fixture files/);
  });
});

describe('switchyard webhooks trigger', () => {
  it('sends a signed event and exits 0 on a 2xx', async () => {
    const app = await peer();
    const r = await runCli(['webhooks', 'trigger', 'checkout.session.completed', '--to', app.url], { env: { STRIPE_WEBHOOK_SECRET: SECRET } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^--> checkout\.session\.completed \[evt_\w+\] signed\n<-- \[200\] POST /);
    expect(stripeValid(app.requests[0]!.headers['stripe-signature'], app.requests[0]!.body, SECRET)).toBe(true);
  });

  it('exits 1 on a non-2xx answer and 4 when nothing answers', async () => {
    const app = await peer(() => ({ status: 400 }));
    expect((await runCli(['webhooks', 'trigger', 'invoice.paid', '--to', app.url, '--secret', SECRET])).code).toBe(1);
    expect((await runCli(['webhooks', 'trigger', 'invoice.paid', '--to', await deadUrl(), '--secret', SECRET])).code).toBe(4);
  });

  it('exits 2 for an unknown type, naming the close matches', async () => {
    const r = await runCli(['webhooks', 'trigger', 'invoice.payed', '--to', 'http://127.0.0.1:9/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no template for event type "invoice\.payed"; did you mean invoice\.paid/);
  });

  it('lists the templates, tab-separated when piped', async () => {
    const r = await runCli(['webhooks', 'trigger', '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('payment_intent.succeeded\ta card payment succeeded');
  });
});
