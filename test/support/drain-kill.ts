import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN, cleanEnv } from './run-cli.js';
import { type QueueWorld, takeAll } from '../integration/queue/support.js';

/*
 * Runs `queue drain` as a child process, kills it with SIGKILL when `when` says so, waits for the killed receiver's
 * locks to expire, and reports where every message ended up. Shared by the loopback and the network kill tests.
 */

/** When to kill, from the output file's size, the size a full drain reaches and the time since the first write. */
export type KillWhen = (bytes: number | undefined, total: number, msSinceFirstWrite: number) => boolean;

export interface KillOutcome {
  /** messageIds of the complete lines in the file, in file order. */
  written: string[];
  /** messageIds back in the queue after the locks expired. */
  left: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const size = async (file: string) => (await stat(file).catch(() => undefined))?.size;

export async function drainAndKill(
  world: QueueWorld,
  options: { queue: string; count: number; connectionString: string; lockMs: number; when: KillWhen; extraDelayMs?: number },
): Promise<KillOutcome> {
  const dir = await world.tempDir();
  const out = join(dir, 'out.ndjson');
  const child = spawn(process.execPath, [BIN, 'queue', 'drain', options.queue, '--yes', '--out', out, '--idle-timeout', '500ms'], {
    env: cleanEnv({ SERVICEBUS_CONNECTION_STRING: options.connectionString }),
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let total = Number.POSITIVE_INFINITY;
  let firstWriteAt: number | undefined;
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    const bytes = await size(out);
    if (bytes) firstWriteAt ??= Date.now();
    if (bytes && total === Number.POSITIVE_INFINITY) {
      const first = (await readFile(out, 'utf8')).split('\n')[0]!;
      total = (first.length + 1) * options.count;
    }
    if (options.when(bytes, total, firstWriteAt === undefined ? 0 : Date.now() - firstWriteAt)) break;
    await sleep(1);
  }
  if (options.extraDelayMs) await sleep(options.extraDelayMs);
  child.kill('SIGKILL');
  await exited;

  // Locks of the killed receiver expire; then whatever it had not completed is back in the queue.
  await sleep(options.lockMs + 300);
  const left = (await takeAll(world.client(), options.queue, {}, 300)).map((m) => m.messageId as string);
  const text = (await readFile(out, 'utf8').catch(() => '')).split('\n');
  const written: string[] = [];
  for (const [i, line] of text.entries()) {
    if (line === '') continue;
    try {
      written.push((JSON.parse(line) as { messageId: string }).messageId);
    } catch {
      // Only the very last line may be cut short by the kill; its messages were never completed.
      expect(i, 'a line cut short before the last one').toBe(text.length - 1);
    }
  }
  return { written, left };
}

/** Nothing lost, nothing made up: every message sent is in the file or back in the queue. */
export function expectNoneLost(ids: string[], { written, left }: KillOutcome, note = ''): void {
  const found = new Set([...written, ...left]);
  expect(ids.filter((id) => !found.has(id)), `lost ${note}`).toEqual([]);
  expect([...found].filter((id) => !ids.includes(id)), `unknown ${note}`).toEqual([]);
}
