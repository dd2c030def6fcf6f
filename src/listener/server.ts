import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ListenerEngine, type ListenerEvents } from './engine.js';
import { Recorder } from './recorder.js';
import type { EventSink, ListenerOptions, ListenerStats } from './types.js';

/** A running listener: where it listens, what it has seen, and how to stop it. */
export interface Listener {
  /** e.g. http://127.0.0.1:4242/ (the base path included). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly stats: ListenerStats;
  /** Events being read, recorded or delivered right now. */
  readonly inFlight: number;
  on<K extends keyof ListenerEvents>(name: K, listener: (...args: ListenerEvents[K]) => void): Listener;
  off<K extends keyof ListenerEvents>(name: K, listener: (...args: ListenerEvents[K]) => void): Listener;
  /**
   * Stops accepting, lets events in flight finish for up to `graceMs` (default 5 s; deliveries still running
   * then are aborted), closes every connection and the sinks. Records are written before a request is answered;
   * with a recording, its files are then fsynced and its journal removed.
   */
  close(graceMs?: number): Promise<void>;
}

/** Thrown when the port cannot be bound (in use, no permission). */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * Starts the webhook listener on node:http. The programmatic entry point: `webhooks listen`, `smoke` and `demo`
 * all start it this way and watch its events.
 */
export async function startListener(options: ListenerOptions = {}): Promise<Listener> {
  const recorder = options.recordDir ? await Recorder.open(options.recordDir, options.secret) : null;
  const sinks: EventSink[] = options.sinks ?? [];
  const engine = new ListenerEngine(options, sinks, recorder);
  const server = createServer(
    {
      // Slow or stuck clients cannot hold the listener: headers and whole requests have deadlines.
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: 5_000,
    },
    (req: IncomingMessage, res: ServerResponse) => engine.handle(req, res),
  );
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    res.writeContinue();
    engine.handle(req, res);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const code = error.code ?? '';
    if (code !== 'ECONNRESET' && code !== 'EPIPE') engine.emit('problem', `bad request from a client: ${code || error.message}`);
    if (!socket.writable || code === 'ECONNRESET') return void socket.destroy();
    const status = code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const why = error.code === 'EADDRINUSE' ? `port ${options.port ?? 4242} on ${host} is already in use` : error.message;
      reject(new ListenError(why, error.code));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port ?? 4242, host);
  });
  // After start-up an error on the server object must not crash the process.
  server.on('error', (error) => engine.emit('problem', `server error: ${error.message}`));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 4242);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const path = options.path ? (options.path.startsWith('/') ? options.path : `/${options.path}`) : '/';
  let closing: Promise<void> | null = null;

  const listener: Listener = {
    url: `http://${shownHost}:${port}${path}`,
    host,
    port,
    get stats() {
      return engine.stats;
    },
    get inFlight() {
      return engine.inFlight;
    },
    on(name, fn) {
      engine.on(name, fn as never);
      return listener;
    },
    off(name, fn) {
      engine.off(name, fn as never);
      return listener;
    },
    close(graceMs = 5_000) {
      closing ??= shutdown(server, engine, sinks, graceMs).then(() => recorder?.close());
      return closing;
    },
  };
  return listener;
}

async function shutdown(server: Server, engine: ListenerEngine, sinks: EventSink[], graceMs: number): Promise<void> {
  engine.closing = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([engine.settled(), graceOver]);
  clearTimeout(timer);
  engine.abort.abort(new Error('the listener is shutting down'));
  // Uploads still trickling in are cut off too, so that nothing holds the shutdown past the grace period.
  server.closeAllConnections();
  await engine.settled();
  await Promise.allSettled(sinks.map(async (sink) => sink.close?.()));
  await closed;
}
