import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpSinkPort } from '../adapters/http/http-sink.js';
import { createNodeHttpSink } from '../adapters/http/node-http-sink.js';
import type { KeyObject } from 'node:crypto';
import { BUILTIN_CATALOG, type Provider, type SchemeCatalog } from '../adapters/webhooks/index.js';
import { apiChange, apiGet, type ApiContext } from './api.js';
import { indexHtml, loadAssets, type Asset } from './assets.js';
import {
  allowedHosts, bearerToken, cookieHeader, cookieToken, newToken, refuseStateChange, sameToken, SECURITY_HEADERS, sendError,
} from './security.js';
import { EventHub } from './sse.js';
import { DeliveryStore, type DeliveryFeed } from './store.js';

export interface InspectorOptions {
  /** Default 4243; 0 picks a free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Default: a fresh random token for this run. */
  token?: string;
  /** Live deliveries kept in memory (default 1,000). */
  keep?: number;
  /** The listener to observe; absent for `webhooks inspect` over a record folder. */
  feed?: DeliveryFeed;
  listenerUrl?: string;
  recordDir?: string;
  /** Where replays may go (the listener's --forward-to and --route URLs, or inspect's --to), and which one a type goes to. */
  targets: string[];
  route?: (type: string | null) => string | null;
  secret?: string;
  provider?: Provider | 'auto';
  /** Verifies discord and sendgrid recordings (live deliveries come verified by the listener). */
  publicKey?: KeyObject;
  /** The URL the provider calls: URL-signing schemes are checked and re-signed with it when a delivery has no URL. */
  publicUrl?: string;
  /** Custom schemes besides the built-in ones. */
  catalog?: SchemeCatalog;
  timeoutMs?: number;
  http?: HttpSinkPort;
  /** New rows in one flush past which the event stream sends a `flood` frame (default FLOOD_ROWS; tests lower it). */
  floodRows?: number;
}

/** A running inspector. */
export interface Inspector {
  /** The link to open: it carries the token once; the page swaps it for a cookie. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** The text a refused page load gets: plain, with no detail an attacker could use. */
function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...extra });
  res.end(text + '\n');
}

/** Starts the inspector's page, event stream and JSON API on loopback. */
export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const assets = loadAssets();
  const token = options.token ?? newToken();
  const keep = options.keep ?? 1000;
  const hub = new EventHub(keep * 2, { liveDelivery: (order) => store.liveDelivery(order), oldestLive: () => store.oldestLive() }, options.floodRows);
  const provider = options.provider ?? 'auto';
  const { secret, publicKey, publicUrl, catalog } = options;
  const store = new DeliveryStore({
    keep, recordDir: options.recordDir, verify: { secret, provider, publicKey, publicUrl, catalog }, onChange: (kind, subject) => hub.push(kind, subject),
  });
  const unobserve = options.feed ? store.observe(options.feed) : () => {};
  const http = options.http ?? createNodeHttpSink();
  let port = options.port ?? 4243;
  const ctx: ApiContext = {
    store, hub, http, provider, targets: options.targets, secret, catalog, publicUrl, timeoutMs: options.timeoutMs ?? 30_000,
    route: options.route ?? (() => null),
    config: {
      mode: options.feed ? 'listen' : 'record',
      targets: options.targets,
      canResign: Boolean(secret),
      keySigned: (catalog ?? BUILTIN_CATALOG).ordering().filter((s) => s.key === 'public-key').map((s) => s.provider),
      provider,
      recordDir: options.recordDir ?? null,
      keep,
      listenerUrl: options.listenerUrl ?? null,
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHosts(port).has(req.headers.host ?? '')) return plain(res, 403, 'forbidden: unexpected Host header');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const asset = assets.get(url.pathname);
    if (asset) return serveAsset(req, res, asset, method);
    if (url.pathname === '/') return servePage(req, res, url, method);
    if (!url.pathname.startsWith('/api/')) return plain(res, 404, 'not found');
    const authed = sameToken(cookieToken(req, port), token) || sameToken(bearerToken(req), token);
    if (!authed) return sendError(res, 403, 'missing or wrong token: open the link the listener printed, or send Authorization: Bearer <token>');
    if (method === 'GET' || method === 'HEAD') return apiGet(ctx, req, res, url);
    if (method === 'POST' || method === 'DELETE') {
      const refused = refuseStateChange(req, token, port);
      if (refused) return sendError(res, refused.status, refused.message);
      return apiChange(ctx, req, res, url);
    }
    // No CORS headers, ever: a cross-origin preflight fails here.
    sendError(res, 405, `method ${method} not allowed`, { allow: 'GET, POST, DELETE' });
  };

  const servePage = (req: IncomingMessage, res: ServerResponse, url: URL, method: string) => {
    if (method !== 'GET' && method !== 'HEAD') return plain(res, 405, 'method not allowed', { allow: 'GET' });
    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!sameToken(given, token)) return plain(res, 403, 'wrong token: open the link the listener printed for this run');
      // The token leaves the address bar (and history) for an HttpOnly cookie; filters in the query stay.
      url.searchParams.delete('token');
      const rest = url.searchParams.toString();
      return plain(res, 303, 'see /', { location: `/${rest ? `?${rest}` : ''}`, 'set-cookie': cookieHeader(port, token) });
    }
    if (!sameToken(cookieToken(req, port), token)) {
      return plain(res, 401, 'This inspector needs its token: open the link printed by `switchyard webhooks listen --inspect` (or `webhooks inspect`).');
    }
    const html = indexHtml(token, assets);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)) });
    res.end(method === 'HEAD' ? undefined : html);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `inspector error: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () => closeServer(server, hub, unobserve, options.http ? null : http),
  };
}

function serveAsset(req: IncomingMessage, res: ServerResponse, asset: Asset, method: string): void {
  if (method !== 'GET' && method !== 'HEAD') return plain(res, 405, 'method not allowed', { allow: 'GET' });
  const headers = { ...SECURITY_HEADERS, 'cache-control': 'no-cache', etag: asset.etag };
  if (req.headers['if-none-match'] === asset.etag) return void res.writeHead(304, headers).end();
  res.writeHead(200, { ...headers, 'content-type': asset.type, 'content-length': String(asset.body.length) });
  res.end(method === 'HEAD' ? undefined : asset.body);
}

async function closeServer(server: Server, hub: EventHub, unobserve: () => void, http: HttpSinkPort | null): Promise<void> {
  unobserve();
  hub.close();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  http?.close();
}
