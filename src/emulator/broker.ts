import net from 'node:net';
import rhea, { type Connection, type Container, type Delivery, type EventContext, type Receiver, type Sender } from 'rhea';
import { guardConnection } from './connection-guard.js';
import { LinkConsumer } from './consumer.js';
import { MAX_FRAME_SIZE } from './frame-guard.js';
import type { SendTarget } from './entities.js';
import type { Journal } from './journal.js';
import type { LockTokens } from './lock-token.js';
import { handleManagement, type ManagementResponse } from './management.js';
import { parseTransfer } from './message.js';
import { CBS_ACCEPTED, decodeRequest, responseMessage, type Request } from './requests.js';
import { putTokenProblem, type SharedAccessKey } from './sas.js';
import type { EntityError, Namespace } from './namespace.js';
import {
  attachBeforeTransfer,
  limitGatheredTransfer,
  outcomes,
  receiveRawTransfers,
  setLocalAttach,
  settleAsRead,
  transferFormat,
} from './rhea-internals.js';
import { answerSessionAttach, chooseSession, requestedSession } from './session-attach.js';

/** Advertised on every attach; the SDK sizes its batches by it (Service Bus Premium's 1 MiB). */
export const MAX_MESSAGE_SIZE = 1024 * 1024;
/** Past this a transfer split over frames closes its connection (up to it, an oversized message is just rejected). */
export const MAX_GATHERED_TRANSFER = 16 * MAX_MESSAGE_SIZE;

type Role =
  | { kind: 'consumer'; consumer: LinkConsumer }
  | { kind: 'send'; target: SendTarget }
  | { kind: 'cbs' }
  | { kind: 'management'; address: string }
  | { kind: 'reply' };

/** Per-connection state: its consumers (to release their locks) and the links responses go back on. */
interface ConnectionState {
  consumers: Set<LinkConsumer>;
  replies: Map<string, Sender>;
  cbsReply?: Sender;
  socket: net.Socket;
  /** A valid token was put on $cbs (only asked for when the emulator checks a key). */
  authorised: boolean;
}

const UNAUTHORISED = 'amqp:unauthorized-access';
const NOT_AUTHORISED: EntityError = {
  condition: UNAUTHORISED,
  description: 'Unauthorized: put a valid token on $cbs before attaching a link (the emulator checks its shared access key).',
};

/**
 * The AMQP side: accepts connections (SASL ANONYMOUS, PLAIN or MSSBCBS), answers CBS put-token (checking the
 * token against the shared access key when there is one), and routes each link to a queue consumer, a sender
 * target, or $management.
 */
export class Broker {
  private readonly container: Container;
  private readonly server: net.Server;
  private readonly connections = new Map<Connection, ConnectionState>();
  private readonly sockets = new Set<net.Socket>();
  private readonly roles = new WeakMap<object, Role>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ns: Namespace,
    private readonly journal: Journal,
    private readonly tokens: LockTokens,
    private readonly log: (line: string) => void = () => {},
    private readonly sharedAccessKey?: SharedAccessKey,
  ) {
    this.container = rhea.create_container({ id: 'switchyard-emulator' });
    const mechanisms = this.container.sasl_server_mechanisms;
    mechanisms.enable_anonymous();
    mechanisms.enable_plain(() => true);
    // uamqp-based clients (the Python SDK) insist on Microsoft's CBS mechanism; it carries no credentials.
    mechanisms.MSSBCBS = () => ({ outcome: undefined as boolean | undefined, start(this: { outcome?: boolean }) { this.outcome = true; } });
    this.server = net.createServer((socket) => this.accept(socket));
    this.wire();
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    // Locks expire and scheduled messages fall due on this beat.
    this.timer = setInterval(() => this.tick(), 200);
    this.timer.unref();
    return (this.server.address() as net.AddressInfo).port;
  }

  /**
   * Stops listening and closes every connection the AMQP way first (clients see "connection forced" and can
   * close promptly; a vanished socket leaves the SDK's close() waiting), then drops what is left.
   */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections.keys()) {
      connection.close({ condition: 'amqp:connection:forced', description: 'The switchyard emulator is shutting down.' });
    }
    const gone = [...this.sockets].map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.destroyed) return resolve();
          socket.once('close', () => resolve());
          setTimeout(() => socket.destroy(), 500).unref();
        }),
    );
    await Promise.all(gone);
    await closed;
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const options = {
      id: `sy-${socket.remotePort ?? 0}-${Date.now().toString(36)}`,
      container_id: 'switchyard-emulator',
      tcp_no_delay: true,
      max_frame_size: MAX_FRAME_SIZE,
      receiver_options: { autoaccept: false, credit_window: 1000, max_message_size: MAX_MESSAGE_SIZE },
      sender_options: { treat_modified_as_released: false, max_message_size: MAX_MESSAGE_SIZE },
    };
    const connection = this.container.create_connection(options as never);
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    receiveRawTransfers(connection);
    limitGatheredTransfer(connection, MAX_GATHERED_TRANSFER);
    settleAsRead(connection);
    attachBeforeTransfer(connection);
    guardConnection(connection, socket, peer, this.log);
    this.connections.set(connection, { consumers: new Set(), replies: new Map(), socket, authorised: false });
    this.log(`connection from ${peer}`);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.log(`connection from ${peer} closed`);
      this.dropConnection(connection);
    });
    (connection as unknown as { accept(s: net.Socket): void }).accept(socket);
  }

  private wire(): void {
    const c = this.container;
    c.on('sender_open', (ctx: EventContext) => this.onConsumerLink(ctx.connection, ctx.sender!));
    c.on('receiver_open', (ctx: EventContext) => this.onProducerLink(ctx.connection, ctx.receiver!));
    c.on('message', (ctx: EventContext) => this.onMessage(ctx));
    c.on('sender_flow', (ctx: EventContext) => this.consumerOf(ctx.sender)?.onFlow());
    c.on('sendable', (ctx: EventContext) => this.consumerOf(ctx.sender)?.onFlow());
    c.on('sender_draining', (ctx: EventContext) => this.consumerOf(ctx.sender)?.onDrain());
    for (const kind of ['accepted', 'released', 'modified', 'rejected'] as const) {
      c.on(kind, (ctx: EventContext) => this.consumerOf(ctx.sender)?.onOutcome(ctx.delivery!, kind));
    }
    c.on('sender_close', (ctx: EventContext) => this.onLinkGone(ctx.connection, ctx.sender!));
    c.on('receiver_close', () => {});
    c.on('session_close', (ctx: EventContext) => this.onSessionGone(ctx.connection, ctx.session));
    c.on('connection_close', (ctx: EventContext) => this.dropConnection(ctx.connection));
    c.on('disconnected', (ctx: EventContext) => this.dropConnection(ctx.connection));
    for (const event of ['sender_error', 'receiver_error', 'session_error', 'connection_error', 'protocol_error', 'error']) {
      c.on(event, (ctx: unknown) => this.log(`amqp ${event}: ${describe(ctx)}`));
    }
  }

  private consumerOf(link: object | undefined): LinkConsumer | undefined {
    const role = link ? this.roles.get(link) : undefined;
    return role?.kind === 'consumer' ? role.consumer : undefined;
  }

  /** The client attached a receiver: a queue consumer, or the reply side of $cbs / $management. */
  private onConsumerLink(connection: Connection, link: Sender): void {
    const state = this.connections.get(connection);
    const address = link.source?.address ?? '';
    if (!state) return link.close({ condition: 'amqp:internal-error', description: 'unknown connection' });
    if (address === '$cbs' || /\/?\$management$/i.test(address)) {
      echoTermini(link);
      state.replies.set(link.name, link);
      const replyTo = link.target?.address;
      if (replyTo) state.replies.set(replyTo, link);
      if (address === '$cbs') state.cbsReply = link;
      this.roles.set(link, { kind: 'reply' });
      return;
    }
    if (!this.allowed(state)) return this.refuse(link, NOT_AUTHORISED);
    const queue = this.ns.source(address);
    if ('condition' in queue) return this.refuse(link, queue);
    const now = Date.now();
    const session = chooseSession(queue, requestedSession(link), now);
    if (session && 'condition' in session) {
      // Service Bus answers these attaches (without a session filter) before detaching with the error.
      if (session.keepSource) echoTermini(link);
      return this.refuse(link, session);
    }
    const consumer = new LinkConsumer(link, queue, link.snd_settle_mode !== 1, session);
    const sessionText = session ? `, session '${session.id}'` : '';
    this.log(`receiver on ${queue.path} (${consumer.peekLock ? 'peek-lock' : 'receive-and-delete'}${sessionText})`);
    setLocalAttach(link, { snd_settle_mode: link.snd_settle_mode ?? 2, rcv_settle_mode: link.rcv_settle_mode ?? 0 });
    echoTermini(link);
    if (session) {
      queue.sessions!.tryLock(session, consumer, now, queue.settings.lockDurationMs);
      setLocalAttach(link, answerSessionAttach(link, session));
    }
    this.roles.set(link, { kind: 'consumer', consumer });
    state.consumers.add(consumer);
    queue.attach(consumer);
  }

  /** The client attached a sender: to an entity, or the request side of $cbs / $management. */
  private onProducerLink(connection: Connection, link: Receiver): void {
    const address = link.target?.address ?? '';
    if (address === '$cbs') {
      this.roles.set(link, { kind: 'cbs' });
    } else if (!this.allowed(this.connections.get(connection))) {
      return this.refuse(link, NOT_AUTHORISED);
    } else if (/\/\$management$/i.test(address) || address === '$management') {
      const entity = address.replace(/\/?\$management$/i, '');
      const found = this.ns.management(entity);
      if ('condition' in found) return this.refuse(link, found);
      this.roles.set(link, { kind: 'management', address: entity });
    } else {
      const target = this.ns.target(address);
      if ('condition' in target) return this.refuse(link, target);
      this.roles.set(link, { kind: 'send', target });
      this.log(`sender on ${target.path}`);
    }
    echoTermini(link);
  }

  private onMessage(ctx: EventContext): void {
    const link = ctx.receiver!;
    const delivery = ctx.delivery!;
    const payload = ctx.message as unknown as Buffer;
    const format = transferFormat((ctx as { format?: number }).format);
    const role = this.roles.get(link);
    if (!role || !Buffer.isBuffer(payload)) return reject(delivery, 'amqp:internal-error', 'unexpected transfer');
    if (role.kind === 'send') return this.onSend(delivery, role.target, payload, format);
    const request = decodeRequest(payload);
    if (!request) return reject(delivery, 'amqp:decode-error', 'the request is not a valid AMQP message');
    delivery.update(true, outcomes.accepted());
    const state = this.connections.get(ctx.connection);
    let response: ManagementResponse;
    if (role.kind === 'cbs') {
      response = this.putToken(request, state);
    } else if (role.kind === 'management') {
      const entity = this.ns.management(role.address);
      const operation = request.application_properties?.operation;
      response =
        'condition' in entity
          ? { status: 404, condition: entity.condition, description: entity.description }
          : handleManagement(operation, (request.body ?? {}) as Record<string, unknown>, entity, this.tokens);
    } else {
      return;
    }
    // uamqp clients send CBS requests without reply-to: the answer goes to their $cbs receiver.
    const reply = (request.reply_to ? state?.replies.get(request.reply_to) : undefined) ?? (role.kind === 'cbs' ? state?.cbsReply : undefined);
    if (!reply) return this.log(`no reply link for ${String(request.reply_to)}`);
    const message = responseMessage(request, response, role.kind);
    // Session state is kept with --data: answer once it is on disk.
    const durable = request.application_properties?.operation === 'com.microsoft:set-session-state' ? this.journal.commit() : undefined;
    // Answer after the request's disposition has gone out (some clients expect that order).
    const answer = () => setImmediate(() => reply.is_open() && reply.send(message as never));
    if (durable) durable.then(answer, (error: Error) => this.log(`could not persist session state: ${error.message}`));
    else answer();
  }

  /** Without a key every token is taken; with one, a connection is authorised by its first valid token. */
  private putToken(request: Request, state: ConnectionState | undefined): ManagementResponse {
    if (!this.sharedAccessKey) return CBS_ACCEPTED;
    const problem = putTokenProblem(request, this.sharedAccessKey, Math.floor(Date.now() / 1000));
    if (problem) {
      this.log(`put-token refused: ${problem}`);
      return { status: 401, condition: UNAUTHORISED, description: `Unauthorized: ${problem}.` };
    }
    if (state) state.authorised = true;
    return CBS_ACCEPTED;
  }

  private allowed(state: ConnectionState | undefined): boolean {
    return !this.sharedAccessKey || state?.authorised === true;
  }

  private onSend(delivery: Delivery, target: SendTarget, payload: Buffer, format: number): void {
    if (payload.length > MAX_MESSAGE_SIZE) {
      return reject(delivery, 'amqp:link:message-size-exceeded', `The message is larger than ${MAX_MESSAGE_SIZE} bytes.`);
    }
    let messages;
    try {
      messages = parseTransfer(payload, format);
    } catch (error) {
      return reject(delivery, 'amqp:decode-error', `The message could not be decoded: ${(error as Error).message}`);
    }
    const refused = target.refuses(messages);
    if (refused) return reject(delivery, refused.condition, refused.description);
    target.send(messages, Date.now());
    const durable = this.journal.commit();
    if (!durable) return delivery.update(true, outcomes.accepted());
    durable.then(
      () => delivery.link.is_open() && delivery.update(true, outcomes.accepted()),
      (error: Error) => delivery.link.is_open() && reject(delivery, 'amqp:internal-error', `could not persist: ${error.message}`),
    );
  }

  /** Refuses a link the AMQP way: an attach without the terminus, then a detach carrying the error. */
  private refuse(link: Sender | Receiver, error: EntityError): void {
    this.log(`refused ${link.name}: ${error.condition} ${error.description}`);
    link.close(error);
  }

  private onLinkGone(connection: Connection, link: Sender): void {
    const consumer = this.consumerOf(link);
    if (consumer) {
      consumer.close();
      this.connections.get(connection)?.consumers.delete(consumer);
    }
    const state = this.connections.get(connection);
    if (state) for (const [key, l] of state.replies) if (l === link) state.replies.delete(key);
  }

  private onSessionGone(connection: Connection, session: unknown): void {
    const state = this.connections.get(connection);
    if (!state) return;
    for (const consumer of state.consumers) {
      if (consumer.link.session === session) {
        consumer.close();
        state.consumers.delete(consumer);
      }
    }
  }

  /** A connection ended (cleanly or not): its receivers' locked messages go back to their queues. */
  private dropConnection(connection: Connection): void {
    const state = this.connections.get(connection);
    if (!state) return;
    this.connections.delete(connection);
    for (const consumer of state.consumers) consumer.close();
  }

  private tick(): void {
    const now = Date.now();
    try {
      for (const queue of this.ns.allQueues()) if (queue.locks.size > 0 || queue.scheduled.size > 0 || (queue.sessions?.held ?? 0) > 0) queue.tick(now);
    } catch (error) {
      // Outside rhea's own error handling: log it rather than take the whole emulator down.
      this.log(`timer: ${(error as Error).stack ?? String(error)}`);
    }
  }
}

function echoTermini(link: Sender | Receiver): void {
  if (link.source) link.set_source({ address: link.source.address });
  if (link.target) link.set_target({ address: link.target.address });
}


function reject(delivery: Delivery, condition: string, description: string): void {
  delivery.update(true, outcomes.rejected({ condition, description }));
}

function describe(ctx: unknown): string {
  if (ctx instanceof Error) return ctx.message;
  const c = ctx as EventContext | undefined;
  const err = c?.sender?.error ?? c?.receiver?.error ?? c?.session?.error ?? c?.connection?.error;
  return err ? String((err as { description?: string }).description ?? err) : 'unknown';
}
