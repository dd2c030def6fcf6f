import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../src/emulator/index.js';
import { client, emulator, range, receiveAll } from './support.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-emu-data-'));
  dirs.push(dir);
  return dir;
}

describe('startEmulator with dataDir', () => {
  it('keeps messages, their state and the dead-letter queue across a restart', async () => {
    const data = dataDir();
    const first = await emulator({ dataDir: data });
    const sb1 = client(first);
    const sender = sb1.createSender('durable');
    await sender.sendMessages(range(5).map((i) => ({ body: { i }, messageId: `m${i}`, applicationProperties: { k: i } })));
    const receiver = sb1.createReceiver('durable');
    const [m0, m1, m2] = await receiver.receiveMessages(3, { maxWaitTimeInMs: 1000 });
    await receiver.completeMessage(m0!);
    await receiver.deadLetterMessage(m1!, { deadLetterReason: 'bad', deadLetterErrorDescription: 'unparseable' });
    await receiver.deferMessage(m2!);
    await sb1.close();
    await first.close();

    const second = await emulator({ dataDir: data });
    expect(second.entityCounts('durable')).toMatchObject({ active: 2, deferred: 1, total: 3, deadLetter: 1 });
    const sb2 = client(second);
    const again = await receiveAll(sb2.createReceiver('durable'));
    expect(again.map((m) => m.body)).toEqual([{ i: 3 }, { i: 4 }]);
    expect(again.map((m) => m.applicationProperties?.k)).toEqual([3, 4]);
    const [deferred] = await sb2.createReceiver('durable').receiveDeferredMessages(m2!.sequenceNumber!);
    expect(deferred?.body).toEqual({ i: 2 });
    const [dead] = await sb2.createReceiver('durable', { subQueueType: 'deadLetter' }).peekMessages(1);
    expect(dead).toMatchObject({ body: { i: 1 }, deadLetterReason: 'bad' });
    // Numbering continues after the highest sequence number seen before the restart.
    await sb2.createSender('durable').sendMessages({ body: 'new' });
    const peeked = await sb2.createReceiver('durable').peekMessages(10);
    expect(peeked.at(-1)?.sequenceNumber?.toNumber()).toBe(6);
  });

  it('keeps the messages of entities a later config does not declare, for a later run that does', async () => {
    const data = dataDir();
    const first = await emulator({ dataDir: data });
    await client(first).createSender('kept').sendMessages({ body: 'still here' });
    await first.close();
    const narrow = await emulator({ dataDir: data, config: { queues: [{ name: 'other' }] } });
    expect(narrow.entityCounts('kept')).toBeUndefined();
    await narrow.close();
    const third = await emulator({ dataDir: data });
    expect(third.entityCounts('kept')?.active).toBe(1);
  });

  it('ignores a torn last record left by a crash', async () => {
    const data = dataDir();
    const first = await emulator({ dataDir: data });
    await client(first).createSender('torn').sendMessages([{ body: 1 }, { body: 2 }]);
    await first.close();
    appendFileSync(join(data, 'messages.log'), Buffer.from([0, 0, 1, 0, 9, 9]));
    const lines: string[] = [];
    const second = await emulator({ dataDir: data, log: (l) => lines.push(l) });
    expect(second.entityCounts('torn')?.active).toBe(2);
    expect(lines.join('\n')).toMatch(/incomplete last record/);
  });

  it('refuses a data directory another running emulator holds, and releases it on close', async () => {
    const data = dataDir();
    const first = await emulator({ dataDir: data });
    await first.close();
    expect(existsSync(join(data, 'LOCK'))).toBe(false);
    // A LOCK naming another live process (the test runner's parent) means that process still uses the data.
    appendFileSync(join(data, 'LOCK'), String(process.ppid));
    await expect(startEmulator({ port: 0, dataDir: data })).rejects.toThrow(/in use by another emulator/);
  });
});
