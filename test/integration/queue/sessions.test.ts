import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceBusMessage } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueuePort } from '../../../src/adapters/queue/index.js';
import { LockKeeper } from '../../../src/commands/queue/lock-keeper.js';
import { runDrain } from '../../../src/commands/queue/run-drain.js';
import { runPeek } from '../../../src/commands/queue/run-peek.js';
import { runPurge } from '../../../src/commands/queue/run-purge.js';
import { runResubmit } from '../../../src/commands/queue/run-resubmit.js';
import { runSessions } from '../../../src/commands/queue/run-sessions.js';
import { runTriage } from '../../../src/commands/queue/run-triage.js';
import { UsageError } from '../../../src/core/errors.js';
import { startEmulator } from '../../../src/emulator/index.js';
import { QueueWorld, lines, peekAll, send } from './support.js';

const SESSION_QUEUES = ['drain-all', 'drain-one', 'resubmit-to', 'listing', 'triage-src', 'plain-src', 'purge-all', 'purge-some'];
const world = new QueueWorld();
beforeAll(() =>
  world.start({
    config: {
      queues: [
        ...SESSION_QUEUES.map((name) => ({ name, requiresSession: !name.startsWith('plain') })),
        { name: 'expiring', requiresSession: true, defaultMessageTimeToLive: '300ms' },
      ],
      topics: [{ name: 'events', subscriptions: [{ name: 'per-customer', requiresSession: true }] }],
    },
  }),
);
afterAll(() => world.cleanUp());

/** `perSession` messages in each of the sessions, interleaved as a busy producer would send them. */
function interleaved(sessions: string[], perSession: number): ServiceBusMessage[] {
  const out: ServiceBusMessage[] = [];
  for (let n = 0; n < perSession; n++) for (const s of sessions) out.push({ body: { s, n }, messageId: `${s}-${n}`, sessionId: s });
  return out;
}

async function deadLetterAll(queue: string): Promise<void> {
  const client = world.client();
  for (;;) {
    let r;
    try {
      r = await client.acceptNextSession(queue, { maxAutoLockRenewalDurationInMs: 0 });
    } catch {
      return;
    }
    const batch = await r.receiveMessages(100, { maxWaitTimeInMs: 500 });
    await Promise.all(batch.map((m) => r.deadLetterMessage(m, { deadLetterReason: 'Poison', deadLetterErrorDescription: `from ${m.sessionId}` })));
    await r.close();
  }
}

describe('queue commands on session-enabled entities', () => {
  it('drain visits every session, keeping each session in order in the file', async () => {
    const sessions = ['alpha', 'beta', 'gamma', 'delta'];
    await send(world.client(), 'drain-all', interleaved(sessions, 25));
    const { ctx, rt } = world.context({ cwd: await world.tempDir() });
    const result = await runDrain(ctx, { entity: { name: 'drain-all', dlq: false }, out: 'all.ndjson', yes: true, idleTimeoutMs: 500, batchSize: 10 });
    expect(result).toMatchObject({ drained: 100, sessions: 4, notCompleted: 0 });
    expect(rt.stderr.text).toMatch(/drained 100 messages from drain-all \(4 sessions\)/);
    const written = lines(await readFile(join(rt.cwd, 'all.ndjson'), 'utf8'));
    for (const s of sessions) {
      const mine = written.filter((m) => m.sessionId === s).map((m) => (m.body as { n: number }).n);
      expect(mine).toEqual([...Array(25).keys()]);
    }
    expect(world.emulator.entityCounts('drain-all')?.total).toBe(0);
  });

  it('drain --session takes one session and leaves the others; --max stops between sessions', async () => {
    await send(world.client(), 'drain-one', interleaved(['keep', 'take'], 5));
    const { ctx, rt } = world.context({ cwd: await world.tempDir() });
    const one = await runDrain(ctx, { entity: { name: 'drain-one', dlq: false }, session: 'take', out: 'one.ndjson', yes: true, idleTimeoutMs: 500 });
    expect(one).toMatchObject({ drained: 5, sessions: 1 });
    expect(lines(await readFile(join(rt.cwd, 'one.ndjson'), 'utf8')).map((m) => m.messageId)).toEqual([0, 1, 2, 3, 4].map((n) => `take-${n}`));
    const left = await peekAll(world.client(), 'drain-one');
    expect(left.map((m) => m.sessionId)).toEqual(Array(5).fill('keep'));
    const capped = await runDrain(ctx, { entity: { name: 'drain-one', dlq: false }, out: 'capped.ndjson', max: 3, yes: true, idleTimeoutMs: 500 });
    expect(capped).toMatchObject({ drained: 3, sessions: 1 });
    expect(world.emulator.entityCounts('drain-one')?.total).toBe(2);
    await expect(runDrain(ctx, { entity: { name: 'drain-one', dlq: true }, session: 'x', yes: true })).rejects.toBeInstanceOf(UsageError);
  });

  it('resubmit into a session entity keeps each sessionId; one without is skipped with a warning, or given --session-id', async () => {
    const client = world.client();
    await send(client, 'plain-src', [
      { body: 1, messageId: 'with-a', sessionId: 'a' },
      { body: 2, messageId: 'no-session' },
      { body: 3, messageId: 'with-b', sessionId: 'b' },
    ]);
    const dl = client.createReceiver('plain-src');
    const got = await dl.receiveMessages(3, { maxWaitTimeInMs: 1000 });
    await Promise.all(got.map((m) => dl.deadLetterMessage(m, { deadLetterReason: 'R', deadLetterErrorDescription: 'd' })));
    await dl.close();

    const { ctx, rt } = world.context();
    const first = await runResubmit(ctx, { entity: { name: 'plain-src', dlq: true }, to: 'resubmit-to', yes: true, idleTimeoutMs: 300 });
    expect(first).toMatchObject({ resubmitted: 2, skipped: 1 });
    expect(rt.stderr.text).toMatch(/skipped dead letter no-session .*no sessionId and resubmit-to requires sessions/);
    const copies = await peekAll(world.client(), 'resubmit-to');
    expect(copies.map((m) => [m.messageId, m.sessionId]).sort()).toEqual([
      ['with-a', 'a'],
      ['with-b', 'b'],
    ]);
    // The skipped dead letter is still there, untouched; --session-id gives it a session.
    expect((await peekAll(world.client(), 'plain-src', { dlq: true })).map((m) => m.messageId)).toEqual(['no-session']);
    const second = await runResubmit(world.context().ctx, { entity: { name: 'plain-src', dlq: true }, to: 'resubmit-to', sessionId: 'fallback', yes: true, idleTimeoutMs: 300 });
    expect(second).toMatchObject({ resubmitted: 1, skipped: 0 });
    const all = await peekAll(world.client(), 'resubmit-to');
    expect(all.find((m) => m.messageId === 'no-session')?.sessionId).toBe('fallback');
    expect(world.emulator.entityCounts('plain-src')?.deadLetter).toBe(0);
  });

  it('queue sessions lists sessions with counts from peeking, and --state reads each state', async () => {
    const client = world.client();
    await send(client, 'listing', interleaved(['s1', 's2'], 3).slice(0, 5));
    const r = await client.acceptSession('listing', 's2', { maxAutoLockRenewalDurationInMs: 0 });
    await r.setSessionState({ step: 7 });
    await r.close();
    const { ctx, rt } = world.context({ json: true });
    const list = await runSessions(ctx, { entity: { name: 'listing', dlq: false }, state: true });
    expect(list.map((s) => [s.sessionId, s.count, s.state])).toEqual([
      ['s1', 3, null],
      ['s2', 2, { step: 7 }],
    ]);
    expect(lines(rt.stdout.text)).toEqual(JSON.parse(JSON.stringify(list)));
    expect(list[0]!.oldest! <= list[0]!.newest!).toBe(true);
    // Without --state nothing is accepted: a consumer holding a session is not disturbed.
    const holder = await client.acceptSession('listing', 's1', { maxAutoLockRenewalDurationInMs: 0 });
    const plain = await runSessions(world.context().ctx, { entity: { name: 'listing', dlq: false } });
    expect(plain.map((s) => s.state)).toEqual([undefined, undefined]);
    const busy = world.context();
    await runSessions(busy.ctx, { entity: { name: 'listing', dlq: false }, state: true });
    expect(busy.rt.stderr.text).toMatch(/session s1 is locked by another receiver: its state was not read/);
    await holder.close();
  });

  it('peek shows sessionId; triage groups dead letters by session and by subject', async () => {
    await send(world.client(), 'triage-src', [
      { body: 1, sessionId: 'x', subject: 'created' },
      { body: 2, sessionId: 'x', subject: 'paid' },
      { body: 3, sessionId: 'y', subject: 'created' },
    ]);
    const peek = world.context({ tty: true });
    await runPeek(peek.ctx, { entity: { name: 'triage-src', dlq: false } });
    expect(peek.rt.stdout.text).toMatch(/SESSION/);
    expect(peek.rt.stdout.text).toMatch(/\bx\b[\s\S]*\by\b/);
    await deadLetterAll('triage-src');
    const bySession = await runTriage(world.context().ctx, { entity: { name: 'triage-src', dlq: true }, by: 'session' });
    expect(bySession.groups.map((g) => [g.sessionId, g.count])).toEqual([
      ['x', 2],
      ['y', 1],
    ]);
    const bySubject = await runTriage(world.context().ctx, { entity: { name: 'triage-src', dlq: true }, by: 'subject' });
    expect(bySubject.groups.map((g) => [g.subject, g.count])).toEqual([
      ['created', 2],
      ['paid', 1],
    ]);
    const byReason = await runTriage(world.context().ctx, { entity: { name: 'triage-src', dlq: true } });
    expect(byReason.groups.map((g) => [g.reason, g.count, g.sessions])).toEqual([
      ['Poison', 2, 1],
      ['Poison', 1, 1],
    ]);
    // Piped: tab-separated rows, the session count right after the count.
    const table = world.context();
    await runTriage(table.ctx, { entity: { name: 'triage-src', dlq: true } });
    expect(table.rt.stdout.text.split('\n')[0]!.split('\t').slice(0, 3)).toEqual(['2', '1', 'Poison']);
  });

  it('drain ends when the only session with messages has none left for it (they expired): exit 0, no file', async () => {
    await send(world.client(), 'expiring', interleaved(['old'], 3));
    await new Promise((r) => setTimeout(r, 400));
    const { ctx, rt } = world.context({ cwd: await world.tempDir() });
    const result = await runDrain(ctx, { entity: { name: 'expiring', dlq: false }, out: 'none.ndjson', yes: true, idleTimeoutMs: 300 });
    expect(result).toMatchObject({ drained: 0, file: null });
    expect(rt.stderr.text).toMatch(/expiring is empty/);
  });

  it('purge visits every session: all of them without filters, by name with filters (the rest stays), one with --session', async () => {
    await send(world.client(), 'purge-all', interleaved(['p1', 'p2', 'p3'], 30));
    const all = await runPurge(world.context().ctx, { entity: { name: 'purge-all', dlq: false }, yes: true, idleTimeoutMs: 300 });
    expect(all).toEqual({ purged: 90, skipped: 0, dryRun: false });
    expect(world.emulator.entityCounts('purge-all')?.total).toBe(0);

    const some = interleaved(['a', 'b', 'c'], 4).map((m, i) => ({ ...m, applicationProperties: { kind: i % 2 ? 'keep' : 'drop' } }));
    await send(world.client(), 'purge-some', some);
    const one = await runPurge(world.context().ctx, { entity: { name: 'purge-some', dlq: false }, session: 'b', yes: true, idleTimeoutMs: 300 });
    expect(one.purged).toBe(4);
    const filtered = await runPurge(world.context().ctx, { entity: { name: 'purge-some', dlq: false }, where: [['kind', 'drop']], yes: true, idleTimeoutMs: 300 });
    expect(filtered).toMatchObject({ purged: 4, skipped: 4 });
    const left = await peekAll(world.client(), 'purge-some');
    expect(left.map((m) => `${m.sessionId}:${String(m.applicationProperties?.kind)}`).sort()).toEqual(['a:keep', 'a:keep', 'c:keep', 'c:keep']);
  });

  it('drains a session-enabled subscription session by session', async () => {
    await send(world.client(), 'events', interleaved(['c1', 'c2'], 3));
    const { ctx, rt } = world.context({ cwd: await world.tempDir() });
    const result = await runDrain(ctx, { entity: { name: 'events', subscription: 'per-customer', dlq: false }, out: 'subs.ndjson', yes: true, idleTimeoutMs: 500 });
    expect(result).toMatchObject({ drained: 6, sessions: 2 });
    const written = lines(await readFile(join(rt.cwd, 'subs.ndjson'), 'utf8'));
    expect(written.filter((m) => m.sessionId === 'c2').map((m) => m.messageId)).toEqual(['c2-0', 'c2-1', 'c2-2']);
  });
});

describe('the queue port on sessions', () => {
  it("keeps a session's messages locked through the lock keeper (which renews the session lock), then completes", async () => {
    const em = await startEmulator({ port: 0, config: { queues: [{ name: 'short', requiresSession: true, lockDuration: '1500ms' }] } });
    const port = await createQueuePort({ connectionString: em.connectionString });
    try {
      await port.sendMessages('short', [1, 2, 3].map((n) => ({ body: n, sessionId: 'k' })));
      const receiver = (await port.acceptSession({ name: 'short', dlq: false }))!;
      expect(receiver.sessionId).toBe('k');
      const batch = await receiver.receive(3, { maxWaitMs: 200 });
      const keeper = new LockKeeper(receiver);
      keeper.add(batch);
      await new Promise((r) => setTimeout(r, 3_500));
      keeper.stop();
      expect(keeper.lost).toBe(0);
      for (const m of batch) await receiver.complete(m);
      await receiver.close();
      expect(em.entityCounts('short')?.total).toBe(0);
      expect(await port.acceptSession({ name: 'short', dlq: false })).toBeUndefined();
    } finally {
      await port.close();
      await em.close();
    }
  });
});
