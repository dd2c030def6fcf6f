import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../support/run-cli.js';
import { QueueWorld, numbered, send, takeAll } from '../integration/queue/support.js';

/*
 * The drain guarantee under the worst interruption there is: SIGKILL, no clean-up at all. Whenever it lands,
 * every message must be in the file or back in the queue once its lock expires (a message may be in both).
 */

const COUNT = 2_000;
const LOCK_MS = 700;
const world = new QueueWorld();
beforeAll(() => world.start({ lockDurationMs: LOCK_MS }));
afterAll(() => world.cleanUp());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const size = async (file: string) => (await stat(file).catch(() => undefined))?.size;

/**
 * When to kill, from the output file's size, the size a full drain reaches (estimated from line one) and the time
 * since the first batch reached the disk. Delays after the first write land anywhere inside a batch's
 * receive → write → fsync → complete cycle, not just after a write.
 */
type Moment = { name: string; when: (bytes: number | undefined, total: number, msSinceFirstWrite: number) => boolean };

const after = (ms: number) => (b: number | undefined, _t: number, since: number) => (b ?? 0) > 0 && since >= ms;
const moments: Moment[] = [
  { name: 'while starting, before the output file exists', when: () => true },
  { name: 'right after the output file is created, before the first batch is written', when: (b) => b !== undefined },
  { name: 'as soon as the first batch is on disk', when: (b) => (b ?? 0) > 0 },
  { name: '7 ms after the first batch', when: after(7) },
  { name: '33 ms after the first batch', when: after(33) },
  { name: '90 ms after the first batch', when: after(90) },
  { name: 'two thirds of the way through', when: (b, total) => (b ?? 0) >= (2 * total) / 3 },
  { name: 'with the last batches in flight', when: (b, total) => (b ?? 0) >= total * 0.95 },
];

describe('queue drain killed with SIGKILL', () => {
  for (const [index, moment] of moments.entries()) {
    it(`loses nothing when killed ${moment.name}`, async () => {
      const client = world.client();
      const queue = world.name(`kill${index}`);
      const ids = numbered(COUNT, 'k').map((m) => m.messageId as string);
      await send(client, queue, numbered(COUNT, 'k'));
      const dir = await world.tempDir();
      const out = join(dir, 'out.ndjson');
      const child = spawn(process.execPath, [BIN, 'queue', 'drain', queue, '--yes', '--out', out, '--idle-timeout', '500ms'], {
        env: cleanEnv({ SERVICEBUS_CONNECTION_STRING: world.connectionString }),
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
          total = (first.length + 1) * COUNT;
        }
        if (moment.when(bytes, total, firstWriteAt === undefined ? 0 : Date.now() - firstWriteAt)) break;
        await sleep(1);
      }
      child.kill('SIGKILL');
      await exited;

      // Locks of the killed receiver expire; then whatever it had not completed is back in the queue.
      await sleep(LOCK_MS + 300);
      const left = (await takeAll(client, queue, {}, 300)).map((m) => m.messageId as string);
      const text = (await readFile(out, 'utf8').catch(() => '')).split('\n');
      const written: string[] = [];
      for (const [i, line] of text.entries()) {
        if (line === '') continue;
        try {
          written.push((JSON.parse(line) as { messageId: string }).messageId);
        } catch (error) {
          // Only the very last line may be cut short by the kill; its messages were never completed.
          expect(i).toBe(text.length - 1);
          void error;
        }
      }
      const found = new Set([...written, ...left]);
      expect(ids.filter((id) => !found.has(id))).toEqual([]);
      expect([...found].every((id) => ids.includes(id))).toBe(true);
    });
  }
});
