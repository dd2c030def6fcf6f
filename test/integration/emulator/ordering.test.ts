import rhea from 'rhea';
import { describe, expect, it } from 'vitest';
import { connect, inOneWrite, management, once, receivePeekLock, sendAll, settleRange, socketOf, states, status } from './bare-client.js';
import { emulator, range } from './support.js';

/**
 * What a client sends on a connection takes effect in the order it was sent, however its AMQP stack packs the
 * frames into TCP writes (the .NET, Java and Python SDKs put several frames in one write).
 */
describe('the emulator applies frames in the order a client sent them', () => {
  it('keeps settlements that arrive in the same write as the detach', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', range(5).map((i) => ({ body: `m${i}` })));
    const { receiver, received } = await receivePeekLock(conn, 'q', 5);
    const ids = received.map((r) => r.delivery.id);
    await inOneWrite(conn, () => {
      const socket = socketOf(conn);
      socket.write(settleRange(receiver, ids[0]!, ids[2]!, states.accepted(), false));
      socket.write(settleRange(receiver, ids[3]!, ids[4]!, states.deadLettered('poison'), false));
      receiver.close();
    });
    await once(receiver, 'receiver_close');
    expect(em.entityCounts('q')).toMatchObject({ active: 0, locked: 0, deadLetter: 2 });
  });

  it('settles every delivery of a first..last range settled by the client', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', range(4).map((i) => ({ body: i })));
    const { receiver, received } = await receivePeekLock(conn, 'q', 4);
    const mgmt = await management(conn, 'q');
    let peek!: Promise<rhea.Message>;
    await inOneWrite(conn, () => {
      socketOf(conn).write(settleRange(receiver, received[0]!.delivery.id, received[3]!.delivery.id, states.accepted(), true));
      peek = mgmt.request('com.microsoft:peek-message', { 'from-sequence-number': 0, 'message-count': 10 });
    });
    expect(status(await peek)).toBe(204);
    expect(em.entityCounts('q')).toMatchObject({ total: 0, locked: 0 });
  });

  it('no longer shows a completed message to a peek written right after the completion', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', [{ body: 'done' }]);
    const { receiver, received } = await receivePeekLock(conn, 'q', 1);
    const id = received[0]!.delivery.id;
    const mgmt = await management(conn, 'q');
    let peek!: Promise<rhea.Message>;
    // Hand-written dispositions: rhea itself would put the request's transfer before them in its write.
    await inOneWrite(conn, () => {
      socketOf(conn).write(settleRange(receiver, id, id, states.accepted(), false));
      peek = mgmt.request('com.microsoft:peek-message', { 'from-sequence-number': 0, 'message-count': 10 });
    });
    expect(status(await peek)).toBe(204);
  });

  it('hands a message deferred in the same write to receive-by-sequence-number', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', [{ body: 'later' }]);
    const { receiver, received } = await receivePeekLock(conn, 'q', 1);
    const id = received[0]!.delivery.id;
    const seq = received[0]!.message.message_annotations?.['x-opt-sequence-number'] as number;
    const mgmt = await management(conn, 'q');
    let fetched!: Promise<rhea.Message>;
    await inOneWrite(conn, () => {
      socketOf(conn).write(settleRange(receiver, id, id, states.modified({ undeliverable_here: true }), false));
      fetched = mgmt.request('com.microsoft:receive-by-sequence-number', {
        'sequence-numbers': rhea.types.wrap_array([seq], 0x81, undefined),
        'receiver-settle-mode': rhea.types.wrap_uint(1),
      });
    });
    const answer = await fetched;
    expect(status(answer)).toBe(200);
    const [entry] = (answer.body as { messages: Array<{ message: Buffer }> }).messages;
    expect(rhea.message.decode(entry!.message).body).toBe('later');
    expect(em.entityCounts('q')).toMatchObject({ deferred: 1, locked: 1 });
  });

  it('answers a receiver attached with credit in the same write: its attach goes out before any transfer', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', [{ body: 'waiting' }]);
    const problems: unknown[] = [];
    conn.on('error', (e: unknown) => problems.push(e));
    let receiver!: rhea.Receiver;
    await inOneWrite(conn, () => {
      receiver = conn.open_receiver({ source: { address: 'q' }, credit_window: 0, autoaccept: true } as never);
      receiver.add_credit(1);
    });
    const message = await Promise.race([
      once(receiver, 'message').then((ctx) => ctx.message?.body),
      new Promise((resolve) => setTimeout(() => resolve(problems), 2000)),
    ]);
    expect(message).toBe('waiting');
  });
});
