import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useDelayedWorld } from '../support/delayed-world.js';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';
import { deadLetter, lines, numbered, peekAll, send, takeAll } from '../integration/queue/support.js';

/*
 * drain and resubmit across a network (the emulator behind a proxy adding 10 ms each way), where they keep a receive
 * on the wire while earlier batches are written and settled: the result must be what it is on loopback.
 */

const LOCK_MS = 2_000;
const { world, connectionString } = useDelayedWorld(LOCK_MS);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('queue commands across a 20 ms round trip', () => {
  it('drain keeps the queue order, writes each message once, and renews locks while a --json reader stalls', async () => {
    const queue = world.name('slow');
    await send(world.client(), queue, numbered(1_500, 's'));
    const out = join(await world.tempDir(), 'out.ndjson');
    const child = spawn(process.execPath, [BIN, 'queue', 'drain', queue, '--yes', '--json', '--out', out, '--idle-timeout', '1s'], {
      env: cleanEnv({ SERVICEBUS_CONNECTION_STRING: connectionString() }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Read the first chunk, then nothing for two and a half lock durations: drain blocks on the full pipe holding
    // received messages (the batch in hand, the one received ahead), whose locks must be renewed meanwhile.
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve) => child.stdout.once('data', (d: Buffer) => (chunks.push(d), resolve())));
    child.stdout.pause();
    await sleep(2.5 * LOCK_MS);
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdout.resume();
    expect(await exited, stderr).toBe(0);
    expect(stderr).not.toMatch(/could not be completed/);
    const ids = numbered(1_500, 's').map((m) => m.messageId);
    const written = lines(await readFile(out, 'utf8')).map((m) => m.messageId);
    expect(written).toEqual(ids);
    expect(lines(Buffer.concat(chunks).toString('utf8')).map((m) => m.messageId)).toEqual(ids);
    expect(await peekAll(world.client(), queue)).toHaveLength(0);
  }, 60_000);

  it('resubmit moves each matching dead letter once, journals it, and leaves the others untouched', async () => {
    const client = world.client();
    const queue = world.name('dlq');
    const go = numbered(1_200, 'go', { applicationProperties: { tenant: 'eu' } });
    const stay = numbered(300, 'stay', { applicationProperties: { tenant: 'us' } });
    await deadLetter(client, queue, [...go.slice(0, 600), ...stay, ...go.slice(600)], 'Failed', 'd');
    const dir = await world.tempDir();
    const run = await runCli(['queue', 'resubmit', queue, '--where', 'tenant=eu', '--journal', 'j.log', '--yes', '--idle-timeout', '1s'], {
      cwd: dir,
      env: { SERVICEBUS_CONNECTION_STRING: connectionString() },
      timeoutMs: 40_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/resubmitted 1,200 dead letters .* 300 dead letters did not match/);
    expect((await takeAll(client, queue)).map((m) => m.messageId)).toEqual(go.map((m) => m.messageId));
    expect((await peekAll(client, queue, { dlq: true })).map((m) => m.messageId)).toEqual(stay.map((m) => m.messageId));
    expect(lines(await readFile(join(dir, 'j.log'), 'utf8'))).toHaveLength(1_200);
  }, 60_000);
});
