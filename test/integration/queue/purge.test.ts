import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPurge } from '../../../src/commands/queue/run-purge.js';
import type { Prompter } from '../../../src/core/prompt.js';
import { CancelledError } from '../../../src/core/errors.js';
import { QueueWorld, deadLetter, numbered, peekAll, send } from './support.js';

const world = new QueueWorld();
const QUEUES = ['work', 'dead', 'old'];
beforeAll(() => world.start({ config: { queues: QUEUES.map((name) => ({ name })), topics: [{ name: 'events', subscriptions: [{ name: 'billing' }] }] } }));
afterAll(() => world.cleanUp());
afterEach(() => world.empty([...QUEUES, 'events/subscriptions/billing']));

const FAST = { idleTimeoutMs: 300, yes: true };

describe('runPurge', () => {
  it('without filters deletes every message in receive-and-delete batches and reports {purged, skipped}', async () => {
    await send(world.client(), 'work', numbered(620, 'w'));
    const { ctx, rt } = world.context({ json: true });
    const result = await runPurge(ctx, { entity: { name: 'work', dlq: false }, ...FAST });
    expect(result).toEqual({ purged: 620, skipped: 0, dryRun: false });
    expect(JSON.parse(rt.stdout.text)).toEqual({ purged: 620, skipped: 0, dryRun: false });
    expect(rt.stderr.text).toMatch(/purged 620 messages from work in/);
    expect(world.emulator.entityCounts('work')?.total).toBe(0);
  });

  it('Ctrl-C stops after the current batch with exit 130 and an exact count of what was deleted', async () => {
    await send(world.client(), 'work', numbered(4000, 'w'));
    const { ctx, rt } = world.context();
    const running = runPurge(ctx, { entity: { name: 'work', dlq: false }, batchSize: 50, ...FAST });
    while ((world.emulator.entityCounts('work')?.total ?? 0) > 3500) await new Promise((r) => setTimeout(r, 5));
    rt.abort();
    const error = (await running.catch((e: unknown) => e)) as { exitCode: number; message: string };
    expect(error.exitCode).toBe(130);
    const purged = Number(/purged ([\d,]+) messages? before stopping/.exec(error.message)?.[1]?.replace(/,/g, ''));
    expect(purged).toBeGreaterThan(0);
    expect(purged + world.emulator.entityCounts('work')!.total).toBe(4000);
  });

  it('--max stops after that many, the rest stays in order', async () => {
    await send(world.client(), 'work', numbered(300, 'w'));
    const { ctx } = world.context();
    expect((await runPurge(ctx, { entity: { name: 'work', dlq: false }, max: 120, ...FAST })).purged).toBe(120);
    const left = await peekAll(world.client(), 'work');
    expect(left.map((m) => m.messageId)).toEqual(numbered(300, 'w').slice(120).map((m) => m.messageId));
  });

  it('with --reason and --where deletes only the matching dead letters; the others stay, untouched', async () => {
    const client = world.client();
    await deadLetter(client, 'dead', numbered(3, 'eu', { applicationProperties: { tenant: 'eu' } }), 'PoisonMessage', 'bad json');
    await deadLetter(client, 'dead', numbered(2, 'us', { applicationProperties: { tenant: 'us' } }), 'PoisonMessage', 'bad json');
    await deadLetter(client, 'dead', numbered(2, 'ttl', { applicationProperties: { tenant: 'eu' } }), 'TTLExpiredException', 'expired');
    const { ctx } = world.context();
    const result = await runPurge(ctx, { entity: { name: 'dead', dlq: true }, reason: '^poison', where: [['tenant', 'eu']], ...FAST });
    expect(result).toEqual({ purged: 3, skipped: 4, dryRun: false });
    const left = await peekAll(client, 'dead', { dlq: true });
    expect(left.map((m) => m.messageId).sort()).toEqual(['ttl-0', 'ttl-1', 'us-0', 'us-1']);
    expect(left.every((m) => m.body && m.deadLetterReason && m.applicationProperties?.tenant)).toBe(true);
  });

  it('--older-than compares each message with its enqueued time', async () => {
    await send(world.client(), 'old', numbered(5, 'o'));
    const { ctx } = world.context();
    const inAnHour = () => Date.now() + 3_600_000;
    const none = await runPurge(ctx, { entity: { name: 'old', dlq: false }, olderThanMs: 2 * 3_600_000, now: inAnHour, ...FAST });
    expect(none).toEqual({ purged: 0, skipped: 5, dryRun: false });
    const all = await runPurge(ctx, { entity: { name: 'old', dlq: false }, olderThanMs: 30 * 60_000, now: inAnHour, ...FAST });
    expect(all).toEqual({ purged: 5, skipped: 0, dryRun: false });
  });

  it('purges a subscription\'s dead-letter queue and leaves the subscription alone', async () => {
    const client = world.client();
    await deadLetter(client, 'events', numbered(4, 'd'), 'Nope', 'no', { subscription: 'billing' });
    await send(client, 'events', numbered(2, 'live'));
    const { ctx } = world.context();
    expect((await runPurge(ctx, { entity: { name: 'events', subscription: 'billing', dlq: true }, ...FAST })).purged).toBe(4);
    expect(world.emulator.entityCounts('events/Subscriptions/billing')).toMatchObject({ active: 2, deadLetter: 0 });
  });

  it('a declined confirmation deletes nothing; --dry-run counts and changes nothing', async () => {
    await send(world.client(), 'work', numbered(7, 'w', { applicationProperties: { kind: 'a' } }));
    const { ctx } = world.context();
    const asked: string[] = [];
    // As Prompter.confirm answers "no": a cancellation naming what was not done.
    ctx.prompt = {
      confirm: async (message: string, _yes: unknown, _action: string, nothingDone: string) => {
        asked.push(message);
        throw new CancelledError(`cancelled: ${nothingDone}`);
      },
    } as unknown as Prompter;
    await expect(runPurge(ctx, { entity: { name: 'work', dlq: false }, idleTimeoutMs: 300 })).rejects.toThrow('cancelled: nothing was purged');
    expect(asked[0]).toMatch(/^Purge every message of work\? They are deleted and no copy is kept \(run `switchyard queue drain` first/);
    expect(world.emulator.entityCounts('work')).toMatchObject({ active: 7 });

    const dry = await runPurge(world.context().ctx, { entity: { name: 'work', dlq: false }, where: [['kind', 'a']], max: 5, dryRun: true });
    expect(dry).toEqual({ purged: 5, skipped: 2, dryRun: true });
    expect(world.emulator.entityCounts('work')).toMatchObject({ active: 7, locked: 0 });
    expect((await peekAll(world.client(), 'work')).every((m) => m.deliveryCount === 0)).toBe(true);
  });
});
