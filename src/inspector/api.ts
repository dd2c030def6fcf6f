import type { IncomingMessage, ServerResponse } from 'node:http';
import { createEnvelope, serializeFixture } from '../core/fixtures.js';
import { curlCommand } from './curl.js';
import { detail, summarise } from './delivery.js';
import { compileFilters, filtersFrom } from './filter.js';
import { replayDelivery, ReplayRefused, type ReplayContext } from './replay.js';
import { SECURITY_HEADERS, sendError, sendJson } from './security.js';
import type { ConfigJson, ListJson, ReplayRequestJson } from './shapes.js';
import type { EventHub } from './sse.js';

export interface ApiContext extends ReplayContext {
  hub: EventHub;
  config: ConfigJson;
}

const LIST = '/api/requests/http';
const MAX_JSON = 8 * 1024 * 1024;

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_JSON) {
        reject(new ReplayRefused(413, 'JSON body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.trim() ? JSON.parse(text) : {});
      } catch {
        reject(new ReplayRefused(400, 'the body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** The safe (GET) API: read only, behind the cookie or the Authorization header. */
export async function apiGet(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  if (path === '/api/config') return sendJson(res, 200, ctx.config);
  if (path === '/api/events' && req.method === 'GET') {
    const since = (req.headers['last-event-id'] as string | undefined) ?? url.searchParams.get('since') ?? undefined;
    return ctx.hub.attach(res, compileFilters(filtersFrom(url.searchParams)), since);
  }
  if (path === LIST) {
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1), 1000);
    const eventId = ctx.hub.lastId;
    const before = url.searchParams.get('before') ?? undefined;
    const { rows, next } = await ctx.store.list(compileFilters(filtersFrom(url.searchParams)), limit, before);
    const body: ListJson = { uri: LIST, requests: rows.map(summarise), next, eventId };
    return sendJson(res, 200, body);
  }
  const one = /^\/api\/requests\/http\/([^/]+)(\/fixture|\/curl)?$/.exec(path);
  if (one) {
    const d = await ctx.store.get(decodeURIComponent(one[1]!));
    if (!d) return sendError(res, 404, 'no such delivery (deleted, or older than --inspect-keep and not recorded)');
    if (!one[2]) return sendJson(res, 200, { uri: `${LIST}/${d.id}`, ...detail(d) });
    if (one[2] === '/curl') {
      const url = ctx.route(d.ev.type) ?? ctx.targets[0] ?? new URL(d.ev.path, ctx.config.listenerUrl ?? 'http://localhost:3000').toString();
      const text = curlCommand(url, d.ev.method, d.ev.headers, d.ev.body) + '\n';
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
      return void res.end(text);
    }
    const envelope = createEnvelope(
      { ...(d.ev.provider ? { provider: d.ev.provider } : {}), method: d.ev.method, path: d.ev.path, receivedAt: d.ev.receivedAt, headers: d.ev.headers },
      d.ev.body,
    );
    const text = serializeFixture(envelope);
    const name = `${d.id}-${(d.ev.type ?? 'event').replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'content-length': String(Buffer.byteLength(text)),
    });
    return void res.end(text);
  }
  sendError(res, 404, `no such API route: GET ${path}`);
}

/** The state-changing API (POST, DELETE): the caller has already passed refuseStateChange. */
export async function apiChange(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  try {
    const input = (await readJson(req)) as ReplayRequestJson & { id?: string };
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ReplayRefused(400, 'send a JSON object');
    const replay = /^\/api\/requests\/http\/([^/]+)\/replay$/.exec(path);
    // ngrok's shape too: POST /api/requests/http with {"id": …}.
    const id = replay && req.method === 'POST' ? decodeURIComponent(replay[1]!) : path === LIST && req.method === 'POST' ? input.id : undefined;
    if (id !== undefined) {
      const d = await ctx.store.get(String(id));
      if (!d) throw new ReplayRefused(404, 'no such delivery');
      await replayDelivery(ctx, d, input);
      return sendJson(res, 200, { uri: `${LIST}/${d.id}`, ...detail(d) });
    }
    if (req.method === 'DELETE' && path === LIST) {
      await ctx.store.delete(null);
      return void res.writeHead(204, SECURITY_HEADERS).end();
    }
    const one = /^\/api\/requests\/http\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE' && one) {
      const d = await ctx.store.get(decodeURIComponent(one[1]!));
      if (!d) throw new ReplayRefused(404, 'no such delivery');
      await ctx.store.delete(d.id);
      return void res.writeHead(204, SECURITY_HEADERS).end();
    }
    throw new ReplayRefused(404, `no such API route: ${req.method} ${path}`);
  } catch (error) {
    if (error instanceof ReplayRefused) return sendError(res, error.status, error.message);
    throw error;
  }
}
