import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the peer saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What the peer answers; `hold` delays the answer until the promise settles. */
export interface PeerAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  hold?: Promise<unknown>;
}

/**
 * A local HTTP service standing in for the user's app: records every request with its exact bytes, counts how many
 * are in flight at once, and answers as the test's handler says (200 by default).
 */
export interface Peer {
  url: string;
  requests: SeenRequest[];
  inFlight: number;
  maxInFlight: number;
  handler: (req: SeenRequest, index: number) => PeerAnswer | Promise<PeerAnswer>;
  /** Resolves when the peer has received `n` requests (whether or not it answered them). */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPeer(handler: Peer['handler'] = () => ({ status: 200, body: 'ok' })): Promise<Peer> {
  const waiters: { n: number; resolve: () => void }[] = [];
  const peer: Peer = {
    url: '',
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    handler,
    received(n) {
      if (peer.requests.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    peer.inFlight += 1;
    peer.maxInFlight = Math.max(peer.maxInFlight, peer.inFlight);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const seen: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      const index = peer.requests.push(seen) - 1;
      for (const w of waiters.filter((w) => peer.requests.length >= w.n)) w.resolve();
      const answer = await peer.handler(seen, index);
      if (answer.hold) await answer.hold.catch(() => {});
      peer.inFlight -= 1;
      if (res.destroyed) return;
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}

/** Stripe's scheme, written here with node:crypto so the tests do not check switchyard against itself. */
export function stripeHeader(body: Buffer | string, secret: string, t = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${mac}`;
}

/** True when a `stripe-signature` header signs `body` with `secret` (and, unless told otherwise, is recent). */
export function stripeValid(header: string | string[] | undefined, body: Buffer, secret: string, toleranceSec: number | null = 300): boolean {
  if (typeof header !== 'string') return false;
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  const good = parts
    .filter(([k]) => k === 'v1')
    .some(([, v]) => {
      const given = Buffer.from(v ?? '', 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return good && (toleranceSec === null || Math.abs(Date.now() / 1000 - t) <= toleranceSec);
}

/** A response to one request the tests send. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** POSTs (or any method) with node:http; a reset after an answer arrived is not an error. */
export function send(url: string, body: Buffer | string = '', headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A Stripe-like event body. */
export function stripeEvent(type: string, id = `evt_${Math.random().toString(36).slice(2, 12)}`, extra = ''): string {
  return `{\n  "id": "${id}",\n  "object": "event",\n  "type": "${type}",\n  "data": {"object": {"object": "payment_intent"${extra}}}\n}`;
}

/** A signed Stripe event, ready to send. */
export function signedStripe(secret: string, type: string, id?: string): { body: string; headers: Record<string, string> } {
  const body = stripeEvent(type, id);
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': stripeHeader(body, secret) } };
}
