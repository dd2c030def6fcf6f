import net from 'node:net';
import type { Connection } from 'rhea';
import { describe, expect, it } from 'vitest';
import { MAX_GATHERED_TRANSFER } from '../../../src/emulator/broker.js';
import { MAX_FRAME_SIZE } from '../../../src/emulator/frame-guard.js';
import { closeError, connect, frame, inOneWrite, receivePeekLock, sendAll, settleRange, socketOf, states } from './bare-client.js';
import { emulator, eventually, range } from './support.js';

/**
 * A client that sends something broken loses its own connection, with an AMQP error naming the fault and a log
 * line; every other client keeps working and no message is lost or duplicated.
 */
async function watched() {
  const lines: string[] = [];
  const em = await emulator({ log: (line) => lines.push(line) });
  return { em, lines };
}

/** A healthy client on its own connection: sends, receives and completes one message. */
async function stillServes(port: number, queue: string): Promise<void> {
  const conn = await connect(port);
  await sendAll(conn, queue, [{ body: 'still served' }]);
  const { received } = await receivePeekLock(conn, queue, 1);
  expect(received[0]!.message.body).toBe('still served');
  received[0]!.delivery.accept();
}

const header = (size: number, doff = 2, type = 0) => {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(size, 0);
  b[4] = doff;
  b[5] = type;
  return b;
};

async function sendGarbage(conn: Connection, bytes: Buffer) {
  const closed = closeError(conn);
  socketOf(conn).write(bytes);
  return closed;
}

describe('the emulator facing broken clients', () => {
  it('closes a connection that sends a malformed frame, after applying the frames before it', async () => {
    const { em, lines } = await watched();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', range(2).map((i) => ({ body: i })));
    const { receiver, received } = await receivePeekLock(conn, 'q', 2);
    const closed = closeError(conn);
    const id = received[0]!.delivery.id;
    await inOneWrite(conn, () => {
      socketOf(conn).write(settleRange(receiver, id, id, states.accepted()));
      socketOf(conn).write(header(4, 0));
    });
    expect(await closed).toMatchObject({ condition: 'amqp:connection:framing-error' });
    await eventually(() => em.entityCounts('q')?.locked === 0);
    // The completed message is gone; the other one is back, once.
    expect(em.entityCounts('q')).toMatchObject({ total: 1, active: 1 });
    expect(lines.some((l) => l.includes('amqp:connection:framing-error'))).toBe(true);
    await stillServes(em.port, 'other');
  });

  it('closes a connection that sends an unknown performative with amqp:not-implemented', async () => {
    const { em, lines } = await watched();
    const conn = await connect(em.port);
    const body = Buffer.from([0x00, 0x53, 0x30, 0x45]);
    expect(await sendGarbage(conn, Buffer.concat([header(8 + body.length), body]))).toMatchObject({
      condition: 'amqp:not-implemented',
      description: 'unknown performative 0x30',
    });
    expect(lines.some((l) => l.includes('unknown performative'))).toBe(true);
    await stillServes(em.port, 'q');
  });

  it('advertises a maximum frame size and closes a connection whose frame is over it', async () => {
    const { em } = await watched();
    const conn = await connect(em.port);
    expect((conn as unknown as { remote: { open: { max_frame_size: number } } }).remote.open.max_frame_size).toBe(MAX_FRAME_SIZE);
    const error = await sendGarbage(conn, header(MAX_FRAME_SIZE + 1));
    expect(error).toMatchObject({ condition: 'amqp:connection:framing-error' });
    expect(error?.description).toContain('over the maximum frame size');
    await stillServes(em.port, 'q');
  });

  it('closes a connection that sends a transfer on a handle no link is attached to', async () => {
    const { em } = await watched();
    const conn = await connect(em.port);
    const sender = conn.open_sender({ target: { address: 'q' } });
    await new Promise((resolve) => sender.once('sendable', resolve));
    const channel = (sender.session as unknown as { local: { channel: number } }).local.channel;
    const transfer = frame('transfer', { handle: 42, delivery_id: 0, delivery_tag: Buffer.from('x'), message_format: 0 }, channel, Buffer.from([0x00, 0x53, 0x77, 0xa1, 0x01, 0x61]));
    expect(await sendGarbage(conn, transfer)).toMatchObject({ condition: 'amqp:session:unattached-handle' });
    await stillServes(em.port, 'q');
  });

  it('closes a connection whose transfer keeps growing over many frames, so memory stays bounded', async () => {
    const { em } = await watched();
    const conn = await connect(em.port);
    const sender = conn.open_sender({ target: { address: 'q' } });
    await new Promise((resolve) => sender.once('sendable', resolve));
    const handle = (sender as unknown as { local: { handle: number } }).local.handle;
    const channel = (sender.session as unknown as { local: { channel: number } }).local.channel;
    const chunk = Buffer.alloc(250 * 1024, 0x41);
    const part = (first: boolean) =>
      frame('transfer', first ? { handle, delivery_id: 0, delivery_tag: Buffer.from('big'), message_format: 0, more: true } : { handle, more: true }, channel, chunk);
    const frames = Buffer.concat([part(true), ...range(Math.ceil(MAX_GATHERED_TRANSFER / chunk.length)).map(() => part(false))]);
    const error = await sendGarbage(conn, frames);
    expect(error).toMatchObject({ condition: 'amqp:link:message-size-exceeded' });
    expect(em.entityCounts('q')?.total ?? 0).toBe(0);
    await stillServes(em.port, 'q');
  });

  it('keeps what a client sent before it dropped mid-transfer, and nothing of the unfinished message', async () => {
    const { em, lines } = await watched();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', [{ body: 'complete' }]);
    const sender = conn.open_sender({ target: { address: 'q' } });
    await new Promise((resolve) => sender.once('sendable', resolve));
    const handle = (sender as unknown as { local: { handle: number } }).local.handle;
    const channel = (sender.session as unknown as { local: { channel: number } }).local.channel;
    const firstHalf = frame('transfer', { handle, delivery_id: 1, delivery_tag: Buffer.from('t'), message_format: 0, more: true }, channel, Buffer.from([0x00, 0x53, 0x75, 0xb0, 0, 0, 0, 100, 1, 2]));
    const socket = socketOf(conn);
    socket.write(Buffer.concat([firstHalf, firstHalf.subarray(0, 5)]), () => socket.destroy());
    await eventually(() => lines.filter((l) => / closed$/.test(l)).length === 1);
    expect(em.entityCounts('q')).toMatchObject({ total: 1, active: 1 });
    await stillServes(em.port, 'q2');
  });

  it('survives 1,000 connections opened and dropped at every stage of the handshake', async () => {
    const { em, lines } = await watched();
    const keeper = await connect(em.port);
    await sendAll(keeper, 'q', range(3).map((i) => ({ body: i })));
    const { received } = await receivePeekLock(keeper, 'q', 3);
    const saslHeader = Buffer.from('AMQP\x03\x01\x00\x00', 'latin1');
    const stages = [Buffer.alloc(0), saslHeader.subarray(0, 3), saslHeader, Buffer.concat([saslHeader, header(MAX_FRAME_SIZE * 4)])];
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        range(50).map(
          (i) =>
            new Promise<void>((resolve) => {
              const socket = net.connect(em.port, '127.0.0.1', () => {
                socket.write(stages[i % stages.length]!, () => (i % 2 ? socket.destroy() : socket.end()));
              });
              socket.on('error', () => {});
              socket.resume();
              socket.on('close', () => resolve());
            }),
        ),
      );
    }
    await eventually(() => lines.filter((l) => / closed$/.test(l)).length >= 1000, 10_000);
    // The client that was there all along still holds its locks and settles them.
    for (const r of received) r.delivery.accept();
    await eventually(() => em.entityCounts('q')?.total === 0);
    await stillServes(em.port, 'q');
  });
});
