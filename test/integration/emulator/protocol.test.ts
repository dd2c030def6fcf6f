import type { EventContext } from 'rhea';
import { describe, expect, it } from 'vitest';
import { connect, once } from './bare-client.js';
import { emulator } from './support.js';

/**
 * Protocol details checked with a bare AMQP client (rhea), where the SDK would hide them: drain answers,
 * refusals, CBS replies, and a broker that survives a bad transfer.
 */
describe('the emulator at the AMQP level', () => {
  it('answers a drain with drain=true even when the transfers used up all the credit', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    const sender = conn.open_sender({ target: { address: 'drain' } });
    await once(sender, 'sendable');
    for (const i of [1, 2, 3]) sender.send({ body: i });
    await new Promise<void>((resolve) => {
      let settled = 0;
      sender.on('accepted', () => ++settled === 3 && resolve());
    });
    const receiver = conn.open_receiver({ source: { address: 'drain' }, credit_window: 0, autoaccept: false, rcv_settle_mode: 1 } as never);
    await once(receiver, 'receiver_open');
    const bodies: unknown[] = [];
    receiver.on('message', (ctx: EventContext) => bodies.push(ctx.message?.body));
    const drained = once(receiver, 'receiver_drained');
    // Credit and drain in one flow: the broker sends all three, then must still echo the drain.
    receiver.add_credit(3);
    receiver.drain_credit();
    await drained;
    expect(bodies).toEqual([1, 2, 3]);
    expect(em.entityCounts('drain')).toMatchObject({ locked: 3 });
  });

  it('answers a drain on an empty queue by giving the credit back', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    const receiver = conn.open_receiver({ source: { address: 'empty' }, credit_window: 0 } as never);
    await once(receiver, 'receiver_open');
    const drained = once(receiver, 'receiver_drained');
    receiver.add_credit(10);
    receiver.drain_credit();
    await drained;
    expect((receiver as unknown as { credit: number }).credit).toBe(0);
  });

  it('accepts the MSSBCBS SASL mechanism uamqp clients insist on', async () => {
    const em = await emulator();
    const mechanisms = { MSSBCBS: () => ({ start: (done: (e: unknown, r: Buffer) => void) => done(undefined, Buffer.alloc(0)) }) };
    const connection = await connect(em.port, { sasl_mechanisms: mechanisms });
    expect(connection.is_open()).toBe(true);
  });

  it('answers CBS put-token with status-code 202 as an AMQP int, correlated to the request', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    const replies = conn.open_receiver({ source: { address: '$cbs' }, target: { address: 'cbs-client' } } as never);
    const requests = conn.open_sender({ target: { address: '$cbs' } });
    await once(requests, 'sendable');
    const reply = once(replies, 'message');
    requests.send({
      message_id: 'req-1',
      reply_to: 'cbs-client',
      to: '$cbs',
      application_properties: { operation: 'put-token', name: `sb://127.0.0.1:${em.port}/q`, type: 'servicebus.windows.net:sastoken' },
      body: 'SharedAccessSignature sr=x&sig=y&se=1&skn=local',
    });
    const { message } = await reply;
    expect(message?.correlation_id).toBe('req-1');
    expect(message?.application_properties?.['status-code']).toBe(202);
  });

  it('answers a session attach with the chosen id and its lock expiry in .NET ticks, and detaches with timeout when none is free', async () => {
    const em = await emulator({ config: { queues: [{ name: 's', requiresSession: true, lockDuration: '30s' }, { name: 'q' }] } });
    const conn = await connect(em.port);
    const sender = conn.open_sender({ target: { address: 's' } });
    await once(sender, 'sendable');
    sender.send({ body: 1, group_id: 'g-1' } as never);
    await once(sender, 'accepted');
    const before = Date.now();
    const receiver = conn.open_receiver({ source: { address: 's', filter: { 'com.microsoft:session-filter': null } } } as never);
    await once(receiver, 'receiver_open');
    const remote = (receiver as unknown as { remote: { attach: { source: { filter: Record<string, unknown> }; properties: Record<string, unknown> } } }).remote.attach;
    expect(remote.source.filter['com.microsoft:session-filter']).toBe('g-1');
    const ticks = (remote.properties['com.microsoft:locked-until-utc'] as Buffer).readBigInt64BE(0);
    const lockedUntilMs = Number((ticks - 621_355_968_000_000_000n) / 10_000n);
    expect(lockedUntilMs).toBeGreaterThanOrEqual(before + 30_000);
    expect(lockedUntilMs).toBeLessThan(Date.now() + 31_000);

    const none = conn.open_receiver({ source: { address: 's', filter: { 'com.microsoft:session-filter': null } } } as never);
    const closed = await once(none, 'receiver_close');
    expect((closed.receiver?.error as { condition?: string } | undefined)?.condition).toBe('com.microsoft:timeout');
    const held = conn.open_receiver({ source: { address: 's', filter: { 'com.microsoft:session-filter': 'g-1' } } } as never);
    const refused = await once(held, 'receiver_close');
    expect((refused.receiver?.error as { condition?: string } | undefined)?.condition).toBe('com.microsoft:session-cannot-be-locked');
    const plain = conn.open_receiver({ source: { address: 's' } });
    const notAllowed = await once(plain, 'receiver_close');
    expect((notAllowed.receiver?.error as { condition?: string } | undefined)?.condition).toBe('amqp:not-allowed');
  });

  it('rejects a transfer that is not an AMQP message and keeps serving', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    const sender = conn.open_sender({ target: { address: 'q' } });
    await once(sender, 'sendable');
    const rejected = once(sender, 'rejected');
    sender.send(Buffer.from([0x00, 0x53, 0x77, 0xb1, 0, 0, 0, 99]), undefined, 0);
    const { delivery } = await rejected;
    expect((delivery?.remote_state as { error?: { condition?: string } } | undefined)?.error?.condition).toBe('amqp:decode-error');
    const accepted = once(sender, 'accepted');
    sender.send({ body: 'still fine' });
    await accepted;
    expect(em.entityCounts('q')?.active).toBe(1);
  });
});
