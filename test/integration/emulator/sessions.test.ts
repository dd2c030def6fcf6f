import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isServiceBusError, type ServiceBusClient, type ServiceBusSessionReceiver } from '@azure/service-bus';
import { afterAll, describe, expect, it } from 'vitest';
import { EmulatorConfigError, startEmulator, type EmulatorConfig } from '../../../src/emulator/index.js';
import { client, emulator, eventually, range, receiveAll, setup } from './support.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CONFIG: EmulatorConfig = {
  queues: [{ name: 'orders', requiresSession: true }, { name: 'short', requiresSession: true, lockDuration: '1s' }, { name: 'plain' }],
  topics: [{ name: 'events', subscriptions: [{ name: 'per-customer', requiresSession: true }, { name: 'all' }] }],
};

const noRenewal = { maxAutoLockRenewalDurationInMs: 0 };
const code = (c: string) => (e: unknown) => isServiceBusError(e) && e.code === c;

async function sendTo(sb: ServiceBusClient, entity: string, items: Array<[session: string, body: unknown]>): Promise<void> {
  await sb.createSender(entity).sendMessages(items.map(([sessionId, body]) => ({ sessionId, body })));
}

/** acceptNextSession until Service Bus (here the emulator) says none is left. */
async function everySession(sb: ServiceBusClient, entity: string): Promise<ServiceBusSessionReceiver[]> {
  const out: ServiceBusSessionReceiver[] = [];
  for (;;) {
    try {
      out.push(await sb.acceptNextSession(entity, noRenewal));
    } catch (error) {
      if (code('ServiceTimeout')(error)) return out;
      throw error;
    }
  }
}

describe('startEmulator: message sessions through @azure/service-bus', () => {
  it('delivers a session in order, only to its receiver, and an abandoned message comes back first', async () => {
    const { sb } = await setup({ config: CONFIG });
    await sendTo(sb, 'orders', [['a', 1], ['b', 'x'], ['a', 2], ['a', 3], ['b', 'y']]);
    const a = await sb.acceptSession('orders', 'a', noRenewal);
    expect(a.sessionId).toBe('a');
    expect(a.sessionLockedUntilUtc!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    const first = await a.receiveMessages(10, { maxWaitTimeInMs: 500 });
    expect(first.map((m) => m.body)).toEqual([1, 2, 3]);
    expect(first.every((m) => m.sessionId === 'a')).toBe(true);
    await a.abandonMessage(first[0]!);
    await a.completeMessage(first[2]!);
    const again = await a.receiveMessages(10, { maxWaitTimeInMs: 300 });
    expect(again.map((m) => [m.body, m.deliveryCount])).toEqual([[1, 1]]);
    await Promise.all([again[0]!, first[1]!].map((m) => a.completeMessage(m)));
    const b = await sb.acceptSession('orders', 'b', noRenewal);
    expect((await receiveAll(b)).map((m) => m.body)).toEqual(['x', 'y']);
  });

  it('serves two sessions to two receivers in parallel and refuses a session someone holds', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    await sendTo(sb, 'orders', range(20).map((i) => [i % 2 ? 'odd' : 'even', i]));
    const [even, odd] = await Promise.all([sb.acceptSession('orders', 'even', noRenewal), sb.acceptSession('orders', 'odd', noRenewal)]);
    const other = client(em);
    await expect(other.acceptSession('orders', 'odd')).rejects.toSatisfy(code('SessionCannotBeLocked'));
    const [e, o] = await Promise.all([receiveAll(even), receiveAll(odd)]);
    expect(e.map((m) => m.body)).toEqual(range(10).map((i) => i * 2));
    expect(o.map((m) => m.body)).toEqual(range(10).map((i) => i * 2 + 1));
    await odd.close();
    // Closing the receiver releases the session at once.
    await expect(other.acceptSession('orders', 'odd')).resolves.toBeDefined();
  });

  it('accepts the next available session until none is left (ServiceTimeout), visiting each once', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    const ids = range(6).map((i) => `customer-${i}`);
    await sendTo(sb, 'orders', ids.flatMap((id) => range(3).map((n) => [id, `${id}/${n}`] as [string, string])));
    const receivers = await everySession(sb, 'orders');
    expect(receivers.map((r) => r.sessionId).sort()).toEqual(ids);
    for (const r of receivers) {
      const got = await receiveAll(r);
      expect(got.map((m) => m.body)).toEqual(range(3).map((n) => `${r.sessionId}/${n}`));
    }
    expect(em.entityCounts('orders')?.total).toBe(0);
    // Empty sessions are not "available": the next accept times out at once.
    const started = Date.now();
    await expect(sb.acceptNextSession('orders')).rejects.toSatisfy(code('ServiceTimeout'));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('keeps session state across receivers, and get/set need the session lock', async () => {
    const { sb } = await setup({ config: CONFIG });
    const r = await sb.acceptSession('orders', 'with-state', noRenewal);
    expect(await r.getSessionState()).toBeNull();
    await r.setSessionState({ step: 3, seen: ['a'] });
    expect(await r.getSessionState()).toEqual({ step: 3, seen: ['a'] });
    await r.close();
    const again = await sb.acceptSession('orders', 'with-state', noRenewal);
    expect(await again.getSessionState()).toEqual({ step: 3, seen: ['a'] });
  });

  it('renews the session lock, and an expired lock detaches the receiver with SessionLockLost', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    await sendTo(sb, 'short', [['s', 'm1'], ['s', 'm2']]);
    const r = await sb.acceptSession('short', 's', noRenewal);
    const before = r.sessionLockedUntilUtc!.getTime();
    await new Promise((res) => setTimeout(res, 300));
    const renewed = await r.renewSessionLock();
    expect(renewed.getTime()).toBeGreaterThan(before);
    const [m] = await r.receiveMessages(1, { maxWaitTimeInMs: 500 });
    expect(m?.lockedUntilUtc?.getTime()).toBe(renewed.getTime());
    await eventually(() => em.entityCounts('short')?.locked === 0, 4000);
    // The SDK closes the receiver when the detach arrives; settling in the moment before that can wait out the
    // SDK's 60 s disposition timeout (its own race, as against Service Bus), so the test waits for it.
    await eventually(() => r.isClosed, 4000);
    await expect(r.completeMessage(m!)).rejects.toSatisfy(code('SessionLockLost'));
    await expect(r.getSessionState()).rejects.toSatisfy(code('SessionLockLost'));
    // The messages are free for the next receiver, m1 first with its delivery count raised.
    const next = await sb.acceptNextSession('short', noRenewal);
    const got = await receiveAll(next);
    expect(got.map((x) => [x.body, x.deliveryCount])).toEqual([
      ['m1', 1],
      ['m2', 0],
    ]);
  });

  it('settles deferred session messages received by sequence number', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    await sendTo(sb, 'orders', [['d', 'later'], ['d', 'now']]);
    const r = await sb.acceptSession('orders', 'd', noRenewal);
    const [later, now] = await r.receiveMessages(2, { maxWaitTimeInMs: 500 });
    await r.deferMessage(later!);
    await r.completeMessage(now!);
    expect(em.entityCounts('orders')).toMatchObject({ deferred: 1, total: 1 });
    const peeked = await r.peekMessages(10);
    expect(peeked.map((m) => m.body)).toEqual(['later']);
    const [d] = await r.receiveDeferredMessages(later!.sequenceNumber!);
    expect(d?.body).toBe('later');
    await r.deadLetterMessage(d!, { deadLetterReason: 'NoHandler', deadLetterErrorDescription: 'no handler for it' });
    expect(em.entityCounts('orders')).toMatchObject({ total: 0, deadLetter: 1 });
    // The dead-letter queue is not session-enabled; dead letters keep their SessionId.
    const dlq = sb.createReceiver('orders', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 500 });
    expect([dead?.body, dead?.sessionId, dead?.deadLetterReason]).toEqual(['later', 'd', 'NoHandler']);
    await dlq.completeMessage(dead!);
  });

  it('peeks a whole session entity without a lock, and one session through its receiver', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    await sendTo(sb, 'orders', [['p', 1], ['q', 2], ['p', 3]]);
    const all = await sb.createReceiver('orders').peekMessages(10);
    expect(all.map((m) => [m.sessionId, m.body])).toEqual([
      ['p', 1],
      ['q', 2],
      ['p', 3],
    ]);
    // Another client: the SDK keeps one peek cursor per entity across a client's receivers.
    const p = await client(em).acceptSession('orders', 'p', noRenewal);
    expect((await p.peekMessages(10)).map((m) => m.body)).toEqual([1, 3]);
  });

  it('refuses plain receivers on, and messages without a SessionId to, a session entity', async () => {
    const { sb } = await setup({ config: CONFIG });
    await expect(sb.createSender('orders').sendMessages({ body: 'no session' })).rejects.toSatisfy(
      (e: unknown) => isServiceBusError(e) && /InvalidOperation.*SessionId was not set/.test(e.message),
    );
    await expect(sb.createReceiver('orders').receiveMessages(1, { maxWaitTimeInMs: 500 })).rejects.toSatisfy(
      (e: unknown) => isServiceBusError(e) && /InvalidOperation.*entity that requires sessions/.test(e.message),
    );
    const invalid = (e: unknown) => isServiceBusError(e) && /InvalidOperation.*does not require sessions/.test(e.message);
    await expect(sb.acceptNextSession('plain')).rejects.toSatisfy(invalid);
    // For a named session the SDK reports the missing filter in its own words before the detach arrives.
    await expect(sb.acceptSession('plain', 'x')).rejects.toSatisfy(code('SessionCannotBeLocked'));
    // Queues created on first use stay session-less.
    const { sb: open } = await setup();
    await open.createSender('fresh').sendMessages({ body: 1, sessionId: 's' });
    await expect(open.acceptNextSession('fresh')).rejects.toSatisfy(invalid);
  });

  it('routes topic messages to a session-enabled subscription; one without a SessionId is dead-lettered there', async () => {
    const { em, sb } = await setup({ config: CONFIG });
    await sb.createSender('events').sendMessages([{ body: 'c1', sessionId: 'cust-1' }, { body: 'anon' }]);
    expect(em.entityCounts('events/Subscriptions/all')?.total).toBe(2);
    expect(em.entityCounts('events/Subscriptions/per-customer')).toMatchObject({ total: 1, deadLetter: 1 });
    const r = await sb.acceptNextSession('events', 'per-customer', noRenewal);
    expect(r.sessionId).toBe('cust-1');
    expect((await receiveAll(r)).map((m) => m.body)).toEqual(['c1']);
    const [dead] = await sb.createReceiver('events', 'per-customer', { subQueueType: 'deadLetter' }).peekMessages(1);
    expect([dead?.body, dead?.deadLetterReason]).toEqual(['anon', 'Session id is null.']);
  });

  it('validates requiresSession in the config: a boolean, on queues and subscriptions only', async () => {
    await expect(startEmulator({ port: 0, config: { queues: [{ name: 'q', requiresSession: 'yes' as never }] } })).rejects.toThrow(
      /queues\[0\]\.requiresSession must be true or false/,
    );
    await expect(startEmulator({ port: 0, config: { topics: [{ name: 't', requiresSession: true } as never] } })).rejects.toBeInstanceOf(
      EmulatorConfigError,
    );
  });

  it('keeps session messages and state across a restart with dataDir, and reads RequiresSession from the official config', async () => {
    const data = mkdtempSync(join(tmpdir(), 'sy-emu-sessions-'));
    dirs.push(data);
    const official = { UserConfig: { Namespaces: [{ Name: 'sbemulatorns', Queues: [{ Name: 'orders', Properties: { RequiresSession: true } }] }] } };
    const first = await emulator({ dataDir: data, config: official as unknown as EmulatorConfig });
    const sb1 = client(first);
    await sendTo(sb1, 'orders', [['k', 'one'], ['k', 'two']]);
    const r1 = await sb1.acceptSession('orders', 'k', noRenewal);
    await r1.setSessionState('checkpoint-1');
    const [one] = await r1.receiveMessages(1, { maxWaitTimeInMs: 500 });
    await r1.completeMessage(one!);
    await sb1.close();
    await first.close();

    const second = await emulator({ dataDir: data, config: official as unknown as EmulatorConfig });
    const sb2 = client(second);
    const r2 = await sb2.acceptNextSession('orders', noRenewal);
    expect(r2.sessionId).toBe('k');
    expect(await r2.getSessionState()).toBe('checkpoint-1');
    expect((await receiveAll(r2)).map((m) => m.body)).toEqual(['two']);
  });
});
