import rhea, { type Connection, type Delivery, type Sender, type link as Link } from 'rhea';

/**
 * Every use of rhea (3.0.x) beyond its typed API, in one place. rhea is written for clients; a broker needs a
 * few things it does not expose, and each one below says why.
 */

interface LinkInternals {
  credit: number;
  delivery_count: number;
  _draining: boolean;
  _drained: boolean;
  _get_drain: () => boolean;
  local: { attach: Record<string, unknown> };
}

interface FrameLike {
  performative: { message_format?: number };
}

/** In-memory marker for "format 0, but hand me the bytes". Never on the wire (message_format is a uint). */
const RAW_PLAIN_FORMAT = -1;

/**
 * Makes the connection deliver every incoming transfer as raw bytes. rhea decodes format-0 messages before the
 * 'message' event and keeps no copy of the bytes, and a broker must store the bare message exactly as sent.
 * rhea hands over the raw buffer for any non-zero format, so format 0 is relabelled on its way in.
 */
export function receiveRawTransfers(connection: Connection): void {
  const c = connection as unknown as { on_transfer: (frame: FrameLike) => void };
  const original = c.on_transfer;
  c.on_transfer = function (this: unknown, frame: FrameLike) {
    if (!frame.performative.message_format) frame.performative.message_format = RAW_PLAIN_FORMAT;
    original.call(this, frame);
  };
}

/** A fault the broker found in what a client sent, with the AMQP condition to close its connection with. */
export class ClientFault extends Error {
  override name = 'ClientFault';
  constructor(
    readonly condition: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * rhea gathers the frames of a transfer split with `more` without any limit, so a client could make the broker
 * hold an endless message. A transfer that grows past `max` bytes is refused (a message merely over the maximum
 * message size is still received whole, and rejected politely).
 */
export function limitGatheredTransfer(connection: Connection, max: number): void {
  type Frame = FrameLike & { channel: number; payload?: Buffer; performative: { handle?: number; more?: boolean } };
  const c = connection as unknown as { on_transfer: (frame: Frame) => void };
  const original = c.on_transfer;
  const gathered = new Map<string, number>();
  c.on_transfer = function (this: unknown, frame: Frame) {
    const key = `${frame.channel}/${frame.performative.handle}`;
    const size = (gathered.get(key) ?? 0) + (frame.payload?.length ?? 0);
    if (size > max) throw new ClientFault('amqp:link:message-size-exceeded', `a transfer of more than ${max} bytes`);
    if (frame.performative.more) gathered.set(key, size);
    else gathered.delete(key);
    original.call(this, frame);
  };
}

interface OutgoingDelivery {
  remote_state?: { constructor: { composite_type?: string } };
  remote_settled?: boolean;
  link: { dispatch(event: string, context: unknown): void; _context(c: object): unknown };
}

interface SessionInternals {
  outgoing: { updated: OutgoingDelivery[] };
}

/**
 * Makes a client's settlements take effect as the disposition frame is read. rhea records the new state of an
 * outgoing delivery and only tells the application on a later tick, while it hands over detaches and transfers
 * (a $management request) at once; so when a client's dispositions and a detach or a request arrived in one TCP
 * read, the detach released the messages before their settlements were seen, and a peek still showed a message
 * completed just before it. The outcome events are dispatched here, in frame order, and rhea's later pass finds
 * nothing left to tell.
 */
export function settleAsRead(connection: Connection): void {
  const c = connection as unknown as {
    on_disposition: (frame: { channel: number }) => void;
    remote_channel_map: Record<number, SessionInternals | undefined>;
  };
  const original = c.on_disposition;
  c.on_disposition = function (this: unknown, frame: { channel: number }) {
    original.call(this, frame);
    const outgoing = c.remote_channel_map[frame.channel]?.outgoing;
    if (!outgoing || outgoing.updated.length === 0) return;
    const updated = outgoing.updated;
    outgoing.updated = [];
    for (const d of updated) {
      const outcome = d.remote_state?.constructor.composite_type;
      if (outcome) d.link.dispatch(outcome, d.link._context({ delivery: d }));
      if (d.remote_settled) d.link.dispatch('settled', d.link._context({ delivery: d }));
    }
  };
}

interface EndpointState {
  need_open(): boolean;
}

interface SessionWriter {
  state: EndpointState;
  local: { begin: unknown };
  links: Record<string, { state: EndpointState; local: { attach: unknown } }>;
  output(frame: unknown): void;
  _process(): void;
}

/**
 * Makes every session write its begin and its links' attaches before any transfer. rhea writes a session's
 * pending transfers first and the link frames after them, so when a client's attach and its first flow (credit)
 * arrived together and a message was waiting, the transfer went out on a handle the client did not know yet.
 */
export function attachBeforeTransfer(connection: Connection): void {
  const c = connection as unknown as { create_session(...args: unknown[]): SessionWriter };
  const create = c.create_session;
  c.create_session = function (this: unknown, ...args: unknown[]) {
    const session = create.apply(this, args);
    const process = session._process;
    session._process = function (this: SessionWriter) {
      if (this.state.need_open()) this.output(this.local.begin);
      for (const name in this.links) {
        const link = this.links[name]!;
        if (link.state.need_open()) this.output(link.local.attach);
      }
      process.call(this);
    };
    return session;
  };
}

/**
 * Puts `filter` between the socket and rhea's parser; it passes on (through `input`) what rhea may read. Must be
 * called before the connection accepts its socket, which binds the parser.
 */
export function interceptInput(connection: Connection, filter: (chunk: Buffer, input: (bytes: Buffer) => void) => void): void {
  const c = connection as unknown as { input(chunk: Buffer): void };
  const original = c.input;
  c.input = function (this: unknown, chunk: Buffer) {
    filter(chunk, (bytes) => original.call(this, bytes));
  };
}

/**
 * Closes the connection with an error and writes the close frame at once (rhea would write it on the next tick,
 * after it has already ended the socket over a parse error). False before the client's open: there is no AMQP
 * connection to close yet, only the socket.
 */
export function closeAtOnce(connection: Connection, error: { condition: string; description: string }): boolean {
  const c = connection as unknown as { remote: { open?: unknown }; socket?: { writableEnded?: boolean }; _process(): void };
  if (!c.remote.open || c.socket?.writableEnded) return false;
  connection.close(error);
  try {
    c._process();
    return true;
  } catch {
    return false;
  }
}

/** The AMQP message format of a delivery received through receiveRawTransfers. */
export function transferFormat(format: number | undefined): number {
  return format === RAW_PLAIN_FORMAT || format === undefined ? 0 : format;
}

/** Credit the peer granted that rhea has not yet spent on written transfers, plus transfers written. */
export function creditLimit(sender: Sender): number {
  const s = sender as unknown as LinkInternals;
  return s.credit + s.delivery_count;
}

/**
 * Answers every drain request with a `drain=true` flow, even when no credit is left. rhea only sets the flag
 * when credit remains, but the SDK waits for that echo after asking to drain, and closes its link when it does
 * not come. `unclaimed()` is the credit no queued transfer will use; only that is given back.
 */
export function alwaysAnswerDrain(sender: Sender, unclaimed: () => number, onGiveBack: (n: number) => void): void {
  const s = sender as unknown as LinkInternals;
  s._get_drain = function () {
    if (!s._draining || !s._drained) return false;
    const free = Math.max(0, Math.min(s.credit, unclaimed()));
    s.delivery_count += free;
    s.credit -= free;
    s._drained = false;
    onGiveBack(free);
    return true;
  };
}

/** Sets fields of the attach frame rhea will send for a link the peer opened (settle modes, max message size). */
export function setLocalAttach(link: Link, fields: Record<string, unknown>): void {
  Object.assign((link as unknown as LinkInternals).local.attach, fields);
}

/**
 * After the broker settles a delivery the client settled "second", the client never sends another frame for it,
 * so rhea would keep it in the session's 2048-slot buffer forever; marking it remotely settled lets rhea free it.
 */
export function settleOutgoing(delivery: Delivery, state: unknown): void {
  delivery.update(true, state);
  (delivery as unknown as { remote_settled: boolean }).remote_settled = true;
}

type Described = { described(): unknown };
const creators = rhea.message as unknown as {
  accepted(): Described;
  released(): Described;
  modified(fields: object): Described;
  rejected(fields: object): Described;
};

/** Delivery states for dispositions (rhea creates them but its typings do not declare the creators). */
export const outcomes = {
  accepted: (): unknown => creators.accepted().described(),
  released: (): unknown => creators.released().described(),
  modified: (fields: object = {}): unknown => creators.modified(fields).described(),
  rejected: (error?: { condition: string; description: string }): unknown =>
    creators.rejected(error ? { error } : {}).described(),
};
