import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDrain } from '../../../src/commands/queue/run-drain.js';
import { runPeek } from '../../../src/commands/queue/run-peek.js';
import { RESUBMIT_COUNT, runResubmit } from '../../../src/commands/queue/run-resubmit.js';
import { runSend } from '../../../src/commands/queue/run-send.js';
import { runTriage } from '../../../src/commands/queue/run-triage.js';
import { UsageError } from '../../../src/core/errors.js';
import { parseEntity } from '../../../src/adapters/queue/entity.js';
import { QueueWorld, deadLetter, lines, numbered, peekAll, takeAll } from './support.js';

// Declared entities, as on a real namespace: anything else does not exist.
const world = new QueueWorld();
beforeAll(() =>
  world.start({
    config: {
      queues: [{ name: 'orders' }, { name: 'billing-retry' }],
      topics: [{ name: 'events', subscriptions: [{ name: 'billing' }, { name: 'audit' }] }],
    },
  }),
);
afterAll(() => world.cleanUp());

// Each test starts from empty entities.
afterEach(() => world.empty(['orders', 'billing-retry', 'events/subscriptions/billing', 'events/subscriptions/audit']));

describe('topic/subscriptions/name entities', () => {
  it('sends to a topic and peeks, drains and triages a subscription written in any case', async () => {
    const client = world.client();
    await runSend(world.context().ctx, { target: 'events', body: '{"invoice":1}' });
    const peek = world.context({ json: true });
    await runPeek(peek.ctx, { entity: parseEntity('events/Subscriptions/audit') });
    expect(lines(peek.rt.stdout.text).map((m) => m.body)).toEqual([{ invoice: 1 }]);
    const dir = await world.tempDir();
    const drained = await runDrain(world.context({ cwd: dir }).ctx, { entity: parseEntity('events/subscriptions/audit'), yes: true, idleTimeoutMs: 300 });
    expect(drained.file).toMatch(/events-subscriptions-audit-\d{8}T\d{6}Z\.ndjson$/);
    expect(await peekAll(client, 'events', { subscription: 'audit' })).toHaveLength(0);
    expect(await peekAll(client, 'events', { subscription: 'billing' })).toHaveLength(1);
    await takeAll(client, 'events', { subscription: 'billing' });

    await deadLetter(client, 'events', numbered(2, 'inv'), 'BadInvoice', 'no total', { subscription: 'billing' });
    await takeAll(client, 'events', { subscription: 'audit' });
    const triage = world.context({ json: true });
    await runTriage(triage.ctx, { entity: parseEntity('events/subscriptions/billing') });
    expect(JSON.parse(triage.rt.stdout.text)).toMatchObject({ entity: 'events/subscriptions/billing', total: 2, groups: [{ reason: 'BadInvoice', count: 2 }] });
  });

  it("resubmits a subscription's dead letters to the topic by default, warning that every subscription gets a copy", async () => {
    const client = world.client();
    await deadLetter(client, 'events', numbered(2, 'fanout'), 'Transient', 'timeout', { subscription: 'billing' });
    await takeAll(client, 'events', { subscription: 'audit' });
    const { ctx, rt } = world.context();
    const result = await runResubmit(ctx, { entity: parseEntity('events/subscriptions/billing'), yes: true, idleTimeoutMs: 300 });
    expect(result).toMatchObject({ resubmitted: 2, target: 'events' });
    expect(rt.stderr.text).toMatch(/copies go to topic "events": every subscription .* --to <queue>/);
    for (const subscription of ['billing', 'audit']) {
      const got = await takeAll(client, 'events', { subscription });
      expect(got.map((m) => [m.messageId, m.applicationProperties?.[RESUBMIT_COUNT]])).toEqual([['fanout-0', 1], ['fanout-1', 1]]);
    }
  });

  it('resubmits to --to a queue instead, so that only that queue gets the copies', async () => {
    const client = world.client();
    await deadLetter(client, 'events', numbered(1, 'only'), 'Transient', 'timeout', { subscription: 'billing' });
    await takeAll(client, 'events', { subscription: 'audit' });
    const { ctx, rt } = world.context();
    await runResubmit(ctx, { entity: parseEntity('events/subscriptions/billing'), to: 'billing-retry', yes: true, idleTimeoutMs: 300 });
    expect(rt.stderr.text).not.toMatch(/every subscription/);
    expect((await takeAll(client, 'billing-retry')).map((m) => m.messageId)).toEqual(['only-0']);
    expect(await peekAll(client, 'events', { subscription: 'audit' })).toHaveLength(0);
  });

  it('an entity that does not exist is a usage error with a hint, and a resubmit to it touches no dead letter', async () => {
    const client = world.client();
    await expect(runPeek(world.context().ctx, { entity: parseEntity('nope') })).rejects.toThrow(UsageError);
    await expect(runPeek(world.context().ctx, { entity: parseEntity('nope') })).rejects.toMatchObject({ exitCode: 2, hint: expect.stringMatching(/check the name/) });
    await deadLetter(client, 'orders', numbered(2, 'stay'), 'R', 'd');
    const before = await peekAll(client, 'orders', { dlq: true });
    await expect(
      runResubmit(world.context().ctx, { entity: parseEntity('orders'), to: 'no-such-queue', yes: true, idleTimeoutMs: 300 }),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/"no-such-queue" .* does not exist/) });
    const after = await peekAll(client, 'orders', { dlq: true });
    expect(after.map((m) => [m.messageId, m.deliveryCount])).toEqual(before.map((m) => [m.messageId, m.deliveryCount]));
  });
});
