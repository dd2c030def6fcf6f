import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../support/run-cli.js';
import { startPeer, stripeEvent, type Peer } from '../integration/listener/peer.js';

/*
 * Ctrl-C during `webhooks replay`: the fixtures in flight are given up, nothing more is sent, and every fixture that
 * was answered has its line on stdout (replay writes its lines in batches) before the summary, with exit 130.
 */

const SECRET = 'whsec_e2eReplayInterrupt0never0printed';
let dir: string;
const peers: Peer[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-replay-int-'));
  for (let i = 0; i < 40; i++) writeFileSync(join(dir, `${String(i).padStart(4, '0')}.json`), stripeEvent('charge.succeeded', `evt_i${i}`));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  while (peers.length) await peers.pop()!.close();
});

describe('switchyard webhooks replay, interrupted', () => {
  it('stops at Ctrl-C with a line for every answered fixture, the summary, and exit 130', async () => {
    const never = new Promise(() => {});
    const app = await startPeer((_, index) => (index < 10 ? { status: 200, body: 'ok' } : { hold: never, status: 200 }));
    peers.push(app);
    const child = spawn(process.execPath, [BIN, 'webhooks', 'replay', dir, '--to', app.url, '--secret', SECRET, '--concurrency', '4'], {
      env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await app.received(14); // ten answered, four held
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(app.requests).toHaveLength(14);
    const lines = stdout.trim().split('\n');
    const answered = lines.filter((l) => l.startsWith('[200] '));
    // The first ten to arrive were answered; with four connections they need not be the first ten fixtures.
    const first10 = app.requests.slice(0, 10).map((r) => /evt_i\d+/.exec(r.body.toString())![0]);
    expect(answered.map((l) => /evt_i\d+/.exec(l)![0]).sort()).toEqual(first10.sort());
    expect(lines.filter((l) => !l.startsWith('[200] ')).every((l) => l.startsWith('[ERR] '))).toBe(true);
    expect(stderr).toMatch(/replayed \d+ fixture\(s\) to .*: 10 ok/);
    expect(stderr).not.toContain(SECRET);
  });
});
