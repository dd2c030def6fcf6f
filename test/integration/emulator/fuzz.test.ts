import net from 'node:net';
import fc from 'fast-check';
import rhea, { type Connection } from 'rhea';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, frame, management, receivePeekLock, sendAll, socketOf, states, status } from './bare-client.js';
import { emulator, eventually, range } from './support.js';

/**
 * Random and mutated frames, from a connected client and from one that has not finished its handshake: whatever
 * arrives, the broker keeps running, other clients keep their messages and locks, and the sender's connection
 * ends (or carries on) without taking anything else down.
 */
const message = rhea.message.encode({ body: 'fuzz' } as never) as unknown as Buffer;
const VALID = [
  frame('begin', { next_outgoing_id: 0, incoming_window: 100, outgoing_window: 100 }, 3),
  frame('attach', { name: 'fz', handle: 7, role: false, initial_delivery_count: 0 }, 3),
  frame('flow', { next_incoming_id: 0, incoming_window: 100, next_outgoing_id: 0, outgoing_window: 100, handle: 7, link_credit: 10 }, 3),
  frame('transfer', { handle: 7, delivery_id: 0, delivery_tag: Buffer.from('a'), message_format: 0 }, 3, message),
  frame('disposition', { role: true, first: 0, last: 3, settled: true, state: states.accepted() }, 3),
  frame('detach', { handle: 7, closed: true }, 3),
  frame('end', {}, 3),
];

const mutatedFrames = fc
  .tuple(
    fc.array(fc.nat(VALID.length - 1), { minLength: 1, maxLength: 8 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat(), { nil: undefined }),
  )
  .map(([picks, flips, cut]) => {
    const bytes = Buffer.concat(picks.map((i) => VALID[i]!));
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    return cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
  });

const randomBytes = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a));

/** Writes `bytes` and waits a moment for the broker's answer, then drops the connection. */
async function feed(socket: net.Socket, bytes: Buffer): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 15);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.write(bytes);
  });
  socket.destroy();
}

async function rawSocket(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.resume();
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

afterEach(() => vi.restoreAllMocks());

describe('the emulator fed random and mutated frames', () => {
  it('keeps running and keeps every other client whole', async () => {
    // The broker reports through its log, never on the console (rhea's own console lines would show here).
    const consoleLines = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')];
    const em = await emulator();
    const sentinel = await connect(em.port);
    await sendAll(sentinel, 'sentinel', range(4).map((i) => ({ body: i })));
    const { received } = await receivePeekLock(sentinel, 'sentinel', 2);
    const mgmt = await management(sentinel, 'sentinel');
    const handshake = Buffer.from('AMQP\x03\x01\x00\x00', 'latin1');
    const open: Connection[] = [];

    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedFrames, randomBytes), fc.constantFrom('connected', 'raw', 'sasl'), async (bytes, stage) => {
        if (stage === 'connected') {
          const conn = await connect(em.port);
          open.push(conn);
          await feed(socketOf(conn), bytes);
        } else {
          const socket = await rawSocket(em.port);
          await feed(socket, stage === 'sasl' ? Buffer.concat([handshake, bytes]) : bytes);
        }
        const peek = await mgmt.request('com.microsoft:peek-message', { 'from-sequence-number': 0, 'message-count': 10 });
        expect(status(peek)).toBe(200);
        expect((peek.body as { messages: unknown[] }).messages).toHaveLength(4);
      }),
      { numRuns: 120 },
    );

    open.forEach((c) => c.close());
    expect(consoleLines.flatMap((spy) => spy.mock.calls)).toEqual([]);
    for (const r of received) r.delivery.accept();
    await eventually(() => em.entityCounts('sentinel')?.total === 2);
    expect(em.entityCounts('sentinel')).toMatchObject({ active: 2, locked: 0, deadLetter: 0 });
  });
});
