import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueuePort } from '../../../src/adapters/queue/index.js';
import { LockKeeper } from '../../../src/commands/queue/lock-keeper.js';
import { RESUBMIT_COUNT, runResubmit } from '../../../src/commands/queue/run-resubmit.js';
import { UsageError } from '../../../src/core/errors.js';
import { QueueWorld, deadLetter, lines, numbered, peekAll, send, takeAll } from './support.js';

const world = new QueueWorld();
beforeAll(() => world.start());
afterAll(() => world.cleanUp());

const placedAt = new Date('2026-11-22T18:00:00.250Z');

describe('runResubmit', () => {
  it('moves every dead letter back to its queue, keeping what the sender set and counting the resubmission', async () => {
    const client = world.client();
    const q = world.name();
    await deadLetter(
      client,
      q,
      [
        {
          body: { order: 7 }, messageId: 'order-7', correlationId: 'req-7', contentType: 'application/json', subject: 'order.created',
          sessionId: 'sess-7', timeToLive: 600_000, applicationProperties: { tenant: 'eu', attempt: 3, urgent: true, coupon: null, placedAt },
        },
        { body: Buffer.from([1, 2, 3]), messageId: 'raw-1' },
      ],
      'MaxDeliveryCountExceeded',
      'gave up',
    );
    const { ctx, rt } = world.context({ json: true });
    const result = await runResubmit(ctx, { entity: { name: q, dlq: true }, yes: true, idleTimeoutMs: 300 });
    expect(result).toEqual({ resubmitted: 2, skipped: 0, target: q, dryRun: false });
    expect(JSON.parse(rt.stdout.text)).toEqual(result);
    expect(await peekAll(client, q, { dlq: true })).toHaveLength(0);
    const [copy, raw] = await peekAll(client, q, {}, { skipConvertingDate: true });
    expect(copy).toMatchObject({
      body: { order: 7 }, messageId: 'order-7', correlationId: 'req-7', contentType: 'application/json', subject: 'order.created',
      sessionId: 'sess-7', timeToLive: 600_000,
    });
    expect(copy!.applicationProperties).toEqual({ tenant: 'eu', attempt: 3, urgent: true, coupon: null, placedAt, [RESUBMIT_COUNT]: 1 });
    expect(copy!.deadLetterReason).toBeUndefined();
    expect(raw!.body).toEqual(Buffer.from([1, 2, 3]));
  });

  it('takes only the dead letters matching --reason and every --where; the others stay, untouched', async () => {
    const client = world.client();
    const q = world.name();
    await deadLetter(client, q, numbered(3, 'eu-max', { applicationProperties: { tenant: 'eu' } }), 'MaxDeliveryCountExceeded', 'd');
    await deadLetter(client, q, numbered(2, 'us-max', { applicationProperties: { tenant: 'us' } }), 'MaxDeliveryCountExceeded', 'd');
    await deadLetter(client, q, numbered(2, 'eu-poison', { applicationProperties: { tenant: 'eu' } }), 'PoisonMessage', 'd');
    const { ctx } = world.context();
    const result = await runResubmit(ctx, {
      entity: { name: q, dlq: true }, reason: 'maxdelivery', where: [['tenant', 'eu']], yes: true, idleTimeoutMs: 300,
    });
    expect(result).toMatchObject({ resubmitted: 3, skipped: 4 });
    expect((await takeAll(client, q)).map((m) => m.messageId)).toEqual(['eu-max-0', 'eu-max-1', 'eu-max-2']);
    const left = await peekAll(client, q, { dlq: true });
    expect(left.map((m) => m.messageId).sort()).toEqual(['eu-poison-0', 'eu-poison-1', 'us-max-0', 'us-max-1']);
    expect(left.every((m) => m.deadLetterReason && m.applicationProperties?.[RESUBMIT_COUNT] === undefined)).toBe(true);
  });

  it('scans past non-matching dead letters (holding them) to find matches further back, and stops at --max', async () => {
    const client = world.client();
    const q = world.name();
    await deadLetter(client, q, numbered(250, 'other'), 'Other', 'd');
    await deadLetter(client, q, numbered(6, 'wanted'), 'Wanted', 'd');
    const { ctx } = world.context();
    const result = await runResubmit(ctx, { entity: { name: q, dlq: true }, reason: '^Wanted$', max: 4, yes: true, idleTimeoutMs: 300 });
    expect(result).toMatchObject({ resubmitted: 4 });
    expect((await takeAll(client, q)).map((m) => m.messageId)).toEqual(['wanted-0', 'wanted-1', 'wanted-2', 'wanted-3']);
    expect(await peekAll(client, q, { dlq: true })).toHaveLength(252);
  });

  it('sends to --to and records each resubmitted sequence number and target in the --journal, appending', async () => {
    const client = world.client();
    const q = world.name();
    const retry = world.name('retry');
    await deadLetter(client, q, numbered(3, 'j'), 'R', 'd');
    const before = await peekAll(client, q, { dlq: true });
    const dir = await world.tempDir();
    const journal = join(dir, 'resubmit.log');
    const { ctx } = world.context({ cwd: dir });
    await runResubmit(ctx, { entity: { name: q, dlq: true }, to: retry, max: 2, journal: 'resubmit.log', yes: true, idleTimeoutMs: 300 });
    await runResubmit(ctx, { entity: { name: q, dlq: true }, to: retry, journal, yes: true, idleTimeoutMs: 300 });
    const records = lines(await readFile(journal, 'utf8'));
    expect(records.map((r) => [r.sequenceNumber, r.messageId, r.target])).toEqual(
      before.map((m) => [m.sequenceNumber!.toString(), m.messageId, retry]),
    );
    expect((await takeAll(client, retry)).map((m) => m.messageId)).toEqual(['j-0', 'j-1', 'j-2']);
    expect(await peekAll(client, q)).toHaveLength(0);
  });

  it('--dry-run reports what would move and changes nothing', async () => {
    const client = world.client();
    const q = world.name();
    await deadLetter(client, q, numbered(3, 'a'), 'A', 'd');
    await deadLetter(client, q, numbered(2, 'b'), 'B', 'd');
    const before = await peekAll(client, q, { dlq: true });
    const { ctx, rt } = world.context({ json: true });
    const result = await runResubmit(ctx, { entity: { name: q, dlq: true }, reason: '^A$', dryRun: true, idleTimeoutMs: 300 });
    expect(result).toEqual({ resubmitted: 3, skipped: 2, target: q, dryRun: true });
    expect(JSON.parse(rt.stdout.text)).toEqual(result);
    const left = await peekAll(client, q, { dlq: true });
    expect(left.map((m) => [m.messageId, m.deliveryCount])).toEqual(before.map((m) => [m.messageId, m.deliveryCount]));
    expect(await peekAll(client, q)).toHaveLength(0);
  });

  it('needs --yes without a terminal and touches nothing without it', async () => {
    const client = world.client();
    const q = world.name();
    await deadLetter(client, q, numbered(1), 'R', 'd');
    await expect(runResubmit(world.context().ctx, { entity: { name: q, dlq: true }, idleTimeoutMs: 300 })).rejects.toBeInstanceOf(UsageError);
    expect(await peekAll(client, q, { dlq: true })).toHaveLength(1);
  });

  it('stops on Ctrl-C: what was sent is completed, held dead letters go back, nothing is lost', async () => {
    const client = world.client();
    const q = world.name();
    await deadLetter(client, q, numbered(150, 'stay'), 'Stay', 'd');
    await deadLetter(client, q, numbered(300, 'go'), 'Go', 'd');
    const { ctx, rt } = world.context();
    const run = runResubmit(ctx, { entity: { name: q, dlq: true }, reason: '^Go$', yes: true, idleTimeoutMs: 2_000, batchSize: 20 });
    // Interrupt once the first copies arrived, while the scan is still going.
    while ((await peekAll(client, q)).length === 0) await new Promise((r) => setTimeout(r, 5));
    rt.abort();
    await expect(run).rejects.toMatchObject({ exitCode: 130 });
    const moved = (await peekAll(client, q)).map((m) => m.messageId as string);
    const left = (await peekAll(client, q, { dlq: true })).map((m) => m.messageId as string);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((id) => id.startsWith('go-'))).toBe(true);
    expect([...moved, ...left].sort()).toEqual([...numbered(150, 'stay'), ...numbered(300, 'go')].map((m) => m.messageId as string).sort());
  });

  it('loses nothing when the target refuses a copy: what was accepted moved, the refused one stays a dead letter', async () => {
    const client = world.client();
    const q = world.name();
    // The largest message the link takes; its copy, one application property bigger, no longer fits.
    const sender = client.createSender(q);
    let low = 0;
    let high = (await sender.createMessageBatch()).maxSizeInBytes;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((await sender.createMessageBatch()).tryAddMessage({ body: Buffer.alloc(mid, 1), messageId: 'huge' })) low = mid;
      else high = mid - 1;
    }
    await sender.close();
    await deadLetter(client, q, numbered(3, 'small'), 'R', 'd');
    await deadLetter(client, q, [{ body: Buffer.alloc(low, 1), messageId: 'huge' }], 'R', 'd');
    await deadLetter(client, q, numbered(2, 'after'), 'R', 'd');
    const { ctx, rt } = world.context();
    const attempt = runResubmit(ctx, { entity: { name: q, dlq: true }, yes: true, idleTimeoutMs: 300 });
    await expect(attempt).rejects.toThrow(/huge is too large/);
    expect(rt.stderr.text).toMatch(/resubmitted 3 dead letters/);
    expect((await takeAll(client, q)).map((m) => m.messageId)).toEqual(['small-0', 'small-1', 'small-2']);
    const left = await peekAll(client, q, { dlq: true });
    expect(left.map((m) => m.messageId)).toEqual(['huge', 'after-0', 'after-1']);
    expect((left[0]!.body as Buffer).length).toBe(low);
  });
});

describe('LockKeeper', () => {
  it('keeps locks alive past their duration so that a slow holder can still settle', async () => {
    const short = await new QueueWorld().start({ lockDurationMs: 1_000 });
    try {
      const q = short.name();
      await send(short.client(), q, numbered(4));
      const port = await createQueuePort({ connectionString: short.connectionString });
      try {
        const receiver = await port.openReceiver({ name: q, dlq: false });
        const batch = await receiver.receive(4, { maxWaitMs: 2_000 });
        expect(batch).toHaveLength(4);
        const kept = batch.slice(0, 2);
        const keeper = new LockKeeper(receiver);
        keeper.add(kept);
        await new Promise((r) => setTimeout(r, 2_600));
        keeper.stop();
        await Promise.all(kept.map((m) => receiver.complete(m)));
        // Without renewal the same wait loses the lock.
        await expect(receiver.complete(batch[2]!)).rejects.toThrow();
        await receiver.close();
      } finally {
        await port.close();
      }
    } finally {
      await short.cleanUp();
    }
  });
});
