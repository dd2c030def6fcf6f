import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/*
 * A TCP proxy on 127.0.0.1 that holds every chunk for `delayMs` in each direction before passing it on: a broker
 * `2 × delayMs` away, without limiting bandwidth (chunks keep their order and are not spaced out). It lives in
 * src/testing so that it is compiled into dist too: the bench (bench/queue-network.bench.mjs) and the kill test
 * (test/e2e/queue-kill-network.test.ts) share it.
 */

export interface DelayProxy {
  host: string;
  port: number;
  /** `connectionString` with its endpoint pointed at the proxy. */
  rewrite(connectionString: string): string;
  close(): Promise<void>;
}

/** Above this many bytes held in one direction the source is paused, so a fast sender cannot fill memory. */
const HIGH_WATER = 8 * 1024 * 1024;

/** Starts a proxy to `target` (a TCP host and port on loopback) delaying each direction by `delayMs`. */
export async function startDelayProxy(target: { host: string; port: number }, delayMs: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (client) => {
    const upstream = createConnection({ host: target.host, port: target.port, noDelay: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    pipeDelayed(client, upstream, delayMs);
    pipeDelayed(upstream, client, delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    rewrite: (cs) => cs.replace(/Endpoint=sb:\/\/[^;]+/i, `Endpoint=sb://127.0.0.1:${port}`),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Forwards `from` to `to`, each chunk (and the end or a reset) `delayMs` after it arrived. */
function pipeDelayed(from: Socket, to: Socket, delayMs: number): void {
  const held: { due: number; chunk: Buffer | 'end' | 'reset' }[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    timer = undefined;
    const now = performance.now();
    while (held.length > 0 && held[0]!.due <= now) {
      const { chunk } = held.shift()!;
      if (chunk === 'end') to.end();
      else if (chunk === 'reset') to.destroy();
      else {
        bytes -= chunk.length;
        if (!to.destroyed) to.write(chunk);
      }
    }
    if (bytes < HIGH_WATER && from.isPaused()) from.resume();
    if (held.length > 0) timer = setTimeout(release, Math.max(0, held[0]!.due - performance.now()));
  };
  const hold = (chunk: Buffer | 'end' | 'reset') => {
    held.push({ due: performance.now() + delayMs, chunk });
    timer ??= setTimeout(release, delayMs);
  };
  from.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    hold(chunk);
    if (bytes >= HIGH_WATER) from.pause();
  });
  from.on('end', () => hold('end'));
  // A peer that vanished (SIGKILL, reset) vanishes for the other side too, after the same delay.
  from.on('error', () => {});
  from.on('close', (hadError) => hold(hadError || !from.readableEnded ? 'reset' : 'end'));
}
