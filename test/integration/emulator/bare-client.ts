import { createRequire } from 'node:module';
import type net from 'node:net';
import rhea, { type Connection, type Delivery, type EventContext, type Message, type Receiver } from 'rhea';
import { afterEach } from 'vitest';

/**
 * A bare AMQP client (rhea, plus hand-made frames where rhea would not write what other Service Bus SDKs write):
 * .NET, Java and Python stacks batch several frames into one TCP write and settle ranges of deliveries at once.
 */
interface Frames {
  amqp_frame(channel: number, performative: unknown, payload?: Buffer): unknown;
  write_frame(frame: unknown): Buffer;
  [performative: string]: unknown;
}
const frames = createRequire(import.meta.url)('rhea/lib/frames.js') as Frames;

const connections: Connection[] = [];
afterEach(() => connections.splice(0).forEach((c) => c.close()));

export async function connect(port: number, options: object = { username: 'local' }): Promise<Connection> {
  const container = rhea.create_container();
  const connection = container.connect({ host: '127.0.0.1', port, reconnect: false, ...options } as never);
  connections.push(connection);
  // A broker closing the connection with an error is what some tests expect; rhea would throw it unhandled.
  connection.on('connection_error', () => {});
  connection.on('disconnected', () => {});
  connection.on('protocol_error', () => {});
  await new Promise<void>((resolve, reject) => {
    connection.once('connection_open', () => resolve());
    connection.once('disconnected', (ctx: EventContext) => reject(ctx.error ?? new Error('disconnected')));
  });
  return connection;
}

export function once<T = EventContext>(emitter: { once(event: string, f: (ctx: T) => void): unknown }, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, resolve));
}

export function socketOf(connection: Connection): net.Socket {
  return (connection as unknown as { socket: net.Socket }).socket;
}

/** Runs `act` and puts every frame it makes the client send (rhea writes on the next tick) into one TCP write. */
export async function inOneWrite(connection: Connection, act: () => void): Promise<void> {
  const socket = socketOf(connection);
  socket.cork();
  act();
  await new Promise((resolve) => setImmediate(resolve));
  socket.uncork();
}

/** Encodes one AMQP frame of the given performative ('disposition', 'transfer', ...) on a channel. */
export function frame(performative: string, fields: object, channel = 0, payload?: Buffer): Buffer {
  const make = frames[performative] as (f: object) => unknown;
  return frames.write_frame(frames.amqp_frame(channel, make(fields), payload));
}

type Described = { described(): unknown };
const creators = rhea.message as unknown as Record<'accepted' | 'rejected' | 'modified' | 'released', (f?: object) => Described>;

/** Delivery states as a client writes them in a disposition. */
export const states = {
  accepted: () => creators.accepted().described(),
  released: () => creators.released().described(),
  modified: (fields: object) => creators.modified(fields).described(),
  deadLettered: (reason: string) =>
    creators.rejected({ error: { condition: 'com.microsoft:dead-letter', info: { DeadLetterReason: reason } } }).described(),
};

/** Writes a disposition over deliveries first..last of a receiver, as the .NET and Java stacks settle ranges. */
export function settleRange(receiver: Receiver, first: number, last: number, state: unknown, settled = true): Buffer {
  const channel = (receiver.session as unknown as { local: { channel: number } }).local.channel;
  return frame('disposition', { role: true, first, last, settled, state }, channel);
}

/** Sends messages and waits until the broker accepted all of them. */
export async function sendAll(connection: Connection, address: string, messages: Message[]): Promise<void> {
  const sender = connection.open_sender({ target: { address } });
  await once(sender, 'sendable');
  await new Promise<void>((resolve, reject) => {
    let accepted = 0;
    sender.on('accepted', () => ++accepted === messages.length && resolve());
    sender.on('rejected', (ctx: EventContext) => reject(new Error(JSON.stringify(ctx.delivery?.remote_state))));
    for (const m of messages) sender.send(m);
  });
  sender.close();
}

export interface Received {
  delivery: Delivery;
  message: Message;
}

/** A peek-lock receiver that takes `count` messages; settlement is left to the test. */
export async function receivePeekLock(connection: Connection, address: string, count: number): Promise<{ receiver: Receiver; received: Received[] }> {
  const receiver = connection.open_receiver({ source: { address }, credit_window: 0, autoaccept: false, rcv_settle_mode: 1 } as never);
  await once(receiver, 'receiver_open');
  const received: Received[] = [];
  await new Promise<void>((resolve) => {
    receiver.on('message', (ctx: EventContext) => {
      received.push({ delivery: ctx.delivery!, message: ctx.message! });
      if (received.length === count) resolve();
    });
    receiver.add_credit(count);
  });
  return { receiver, received };
}

/** A $management answer; `raw` holds its bytes when the connection was made to hand transfers over undecoded. */
export type Reply = Message & { raw?: Buffer };

/** The $management request/response links of an entity. `request` sends at once and resolves with the answer. */
export async function management(connection: Connection, entity: string): Promise<{ request(operation: string, body: object): Promise<Reply> }> {
  const replyTo = `reply-${Math.random().toString(36).slice(2)}`;
  const address = `${entity}/$management`;
  const replies = connection.open_receiver({ source: { address }, target: { address: replyTo } } as never);
  const requests = connection.open_sender({ target: { address } });
  await Promise.all([once(replies, 'receiver_open'), once(requests, 'sendable')]);
  const waiting = new Map<string, (m: Reply) => void>();
  replies.on('message', (ctx: EventContext) => {
    const raw = Buffer.isBuffer(ctx.message) ? (ctx.message as unknown as Buffer) : undefined;
    const reply = (raw ? Object.assign(rhea.message.decode(raw), { raw }) : ctx.message) as Reply;
    waiting.get(String(reply.correlation_id))?.(reply);
  });
  let n = 0;
  return {
    request(operation, body) {
      const id = `req-${++n}`;
      const answer = new Promise<Reply>((resolve) => waiting.set(id, resolve));
      requests.send({ message_id: id, reply_to: replyTo, application_properties: { operation }, body });
      return answer;
    },
  };
}

export const status = (m: Message): unknown => m.application_properties?.statusCode;

/** The error the broker closed the connection with (undefined when the socket just went away). */
export function closeError(connection: Connection): Promise<{ condition?: string; description?: string } | undefined> {
  return new Promise((resolve) => {
    connection.once('connection_error', () => {
      const error = connection.error as { condition?: unknown; description?: unknown } | undefined;
      resolve({ condition: String(error?.condition), description: String(error?.description) });
    });
    connection.once('disconnected', () => resolve(undefined));
  });
}
