import type { EventContext } from 'rhea';
import { describe, expect, it } from 'vitest';
import { connect, management, once, sendAll, status } from './bare-client.js';
import { emulator } from './support.js';

/** Session details seen by a bare AMQP client: what other SDKs (and Service Bus Explorer) rely on. */
describe('emulator sessions at the AMQP level', () => {
  it('lists sessions with messages (get-message-sessions), and session operations need a valid session lock', async () => {
    const em = await emulator({ config: { queues: [{ name: 's', requiresSession: true, lockDuration: '600ms' }] } });
    const conn = await connect(em.port);
    await sendAll(conn, 's', ['a', 'b', 'a', 'c'].map((group_id, i) => ({ body: i, group_id })));
    const mgmt = await management(conn, 's');
    const listed = await mgmt.request('com.microsoft:get-message-sessions', { skip: 1, top: 5 });
    expect(status(listed)).toBe(200);
    expect(listed.body).toMatchObject({ 'sessions-ids': ['b', 'c'], skip: 3 });

    const unlocked = await mgmt.request('com.microsoft:get-session-state', { 'session-id': 'a' });
    expect([status(unlocked), unlocked.application_properties?.['error-condition']]).toEqual([410, 'com.microsoft:session-lock-lost']);

    const receiver = conn.open_receiver({ source: { address: 's', filter: { 'com.microsoft:session-filter': 'a' } }, credit_window: 0 } as never);
    await once(receiver, 'receiver_open');
    const set = await mgmt.request('com.microsoft:set-session-state', { 'session-id': 'a', 'session-state': Buffer.from('x') });
    expect(status(set)).toBe(200);
    const got = await mgmt.request('com.microsoft:get-session-state', { 'session-id': 'a' });
    expect(got.body).toEqual({ 'session-state': Buffer.from('x') });

    // Not renewed: the broker detaches the receiver with session-lock-lost.
    const closed = await once<EventContext>(receiver, 'receiver_close');
    expect((closed.receiver?.error as { condition?: string } | undefined)?.condition).toBe('com.microsoft:session-lock-lost');
    const after = await mgmt.request('com.microsoft:renew-session-lock', { 'session-id': 'a' });
    expect(status(after)).toBe(410);
  });
});
