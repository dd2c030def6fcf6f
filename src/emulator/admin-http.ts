import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminError,
  EntityTimes,
  createEntity,
  deleteEntity,
  queueDescription,
  subscriptionDescription,
  topicDescription,
} from './admin-entities.js';
import { contentRoot, description, entryXml, errorXml, feedXml, fields, type EntryParts } from './atom-xml.js';
import type { QueueEntity, Subscription, TopicEntity } from './entities.js';
import type { AdminView } from './namespace.js';
import { sasTokenProblem, type SharedAccessKey } from './sas.js';

/** The request bodies the API takes are entity descriptions of a few hundred bytes. */
const MAX_BODY = 256 * 1024;
const PAGE = 100;

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the part of Service Bus's HTTP management API (ATOM over plain HTTP, as Microsoft's emulator does on its
 * second port) that ServiceBusAdministrationClient needs: list, get, create and delete queues, topics and
 * subscriptions, with their runtime counts. Nothing here creates an entity by looking at it.
 */
export async function startAdminServer(
  view: AdminView,
  options: { host: string; port: number; sharedAccessKey?: SharedAccessKey; namespaceName?: string; log?: (line: string) => void },
): Promise<AdminServer> {
  const api = new AdminApi(view, options.namespaceName ?? 'switchyard-emulator');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      let answer: { status: number; body: string };
      try {
        if (size > MAX_BODY) throw new AdminError(413, `the request body is larger than ${MAX_BODY} bytes`);
        const problem = options.sharedAccessKey
          ? sasTokenProblem(req.headers.authorization, options.sharedAccessKey, Math.floor(Date.now() / 1000))
          : null;
        if (problem) throw new AdminError(401, `Unauthorized: ${problem}`);
        const base = `http://${req.headers.host ?? options.host}`;
        const update = String(req.headers['if-match'] ?? '').trim() === '*';
        answer = api.handle(req.method ?? 'GET', req.url ?? '/', base, Buffer.concat(chunks).toString('utf8'), update);
      } catch (error) {
        if (!(error instanceof AdminError)) options.log?.(`management API: ${(error as Error).stack ?? String(error)}`);
        const status = error instanceof AdminError ? error.status : 500;
        answer = { status, body: errorXml(status, (error as Error).message) };
      }
      res.writeHead(answer.status, { 'content-type': 'application/atom+xml;type=entry;charset=utf-8', 'content-length': Buffer.byteLength(answer.body) });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Path = { name: string; subscription?: string };

class AdminApi {
  private readonly times = new EntityTimes();
  constructor(
    private readonly view: AdminView,
    private readonly namespaceName: string,
  ) {}

  handle(method: string, rawUrl: string, base: string, body: string, update: boolean): { status: number; body: string } {
    const url = new URL(rawUrl, base);
    let parts: string[];
    try {
      parts = url.pathname.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    } catch {
      throw new AdminError(400, `the path ${url.pathname} is not valid percent-encoding`);
    }
    const at = (path: string) => `${base}/${path}?api-version=${url.searchParams.get('api-version') ?? '2021-05'}`;
    const lower = parts.map((p) => p.toLowerCase());
    if (method === 'GET' && lower.length === 1 && lower[0] === '$namespaceinfo') return ok(this.namespaceEntry(at('$namespaceinfo')));
    if (method === 'GET' && lower.length === 2 && lower[0] === '$resources') {
      if (lower[1] === 'queues') return this.page(url, base, at, [...this.view.queues.values()].map((q) => this.queueEntry(q, at)));
      if (lower[1] === 'topics') return this.page(url, base, at, [...this.view.topics.values()].map((t) => this.topicEntry(t, at)));
    }
    if (lower.length === 2 && lower[1] === 'subscriptions' && method === 'GET') {
      const topic = this.view.topics.get(lower[0]!);
      const subs = topic ? [...topic.subscriptions.values()].map((s) => this.subscriptionEntry(topic, s, at)) : [];
      return this.page(url, base, at, subs);
    }
    const path = entityPathOf(parts);
    if (!path) throw new AdminError(400, `unsupported management path ${url.pathname}`);
    if (method === 'GET') {
      const entry = this.find(path, at);
      if (entry) return ok(entryXml(entry, true));
      // Microsoft's emulator answers health checks here; a queue named "health" still wins (an empty 200 also
      // reads as "not found" to the SDK).
      if (lower.length === 1 && lower[0] === 'health') return { status: 200, body: '' };
      return ok(feedXml(at(parts.join('/')), 'Publicly Listed Services', []));
    }
    if (method === 'PUT') {
      if (update) throw new AdminError(400, 'updating an entity is not supported by the emulator');
      const entity = createEntity(this.view, path, contentRoot(body) ?? '', body);
      this.times.created(entity);
      return { status: 201, body: entryXml(this.find(path, at)!, true) };
    }
    if (method === 'DELETE') {
      if (!deleteEntity(this.view, path)) throw new AdminError(404, `The messaging entity '${parts.join('/')}' could not be found.`);
      return { status: 200, body: '' };
    }
    throw new AdminError(405, `${method} is not supported`);
  }

  private page(url: URL, base: string, at: (p: string) => string, entries: EntryParts[]): { status: number; body: string } {
    const skip = Math.max(0, Number(url.searchParams.get('$skip') ?? 0) || 0);
    const top = Math.max(1, Number(url.searchParams.get('$top') ?? PAGE) || PAGE);
    const slice = entries.slice(skip, skip + top);
    let next: string | undefined;
    if (skip + top < entries.length) {
      const n = new URL(url.pathname, base);
      n.searchParams.set('$skip', String(skip + top));
      n.searchParams.set('$top', String(top));
      n.searchParams.set('api-version', url.searchParams.get('api-version') ?? '2021-05');
      next = n.toString();
    }
    return ok(feedXml(at(url.pathname.slice(1)), url.pathname.slice(1), slice, next));
  }

  private find(path: Path, at: (p: string) => string): EntryParts | undefined {
    const key = path.name.toLowerCase();
    if (path.subscription !== undefined) {
      const topic = this.view.topics.get(key);
      const sub = topic?.subscriptions.get(path.subscription.toLowerCase());
      return topic && sub ? this.subscriptionEntry(topic, sub, at) : undefined;
    }
    const queue = this.view.queues.get(key);
    if (queue) return this.queueEntry(queue, at);
    const topic = this.view.topics.get(key);
    return topic ? this.topicEntry(topic, at) : undefined;
  }

  private queueEntry(q: QueueEntity, at: (p: string) => string): EntryParts {
    const t = this.times.of(q);
    return { id: at(q.path), title: q.path, ...t, content: queueDescription(q, t) };
  }

  private topicEntry(topic: TopicEntity, at: (p: string) => string): EntryParts {
    const t = this.times.of(topic);
    return { id: at(topic.path), title: topic.path, ...t, content: topicDescription(topic, t) };
  }

  private subscriptionEntry(topic: TopicEntity, sub: Subscription, at: (p: string) => string): EntryParts {
    const t = this.times.of(sub);
    return { id: at(`${topic.path}/Subscriptions/${sub.name}`), title: sub.name, ...t, content: subscriptionDescription(sub, t) };
  }

  private namespaceEntry(id: string): string {
    const now = new Date();
    return entryXml(
      {
        id, title: this.namespaceName, created: now, updated: now,
        content: description('NamespaceInfo', fields([['CreatedTime', now.toISOString()], ['MessagingSKU', 'Standard'],
          ['ModifiedTime', now.toISOString()], ['Name', this.namespaceName], ['NamespaceType', 'Messaging']])),
      },
      true,
    );
  }
}

function ok(body: string): { status: number; body: string } {
  return { status: 200, body };
}

/** `queue`, `topic`, `topic/Subscriptions/sub`; rules and other paths are not served. */
function entityPathOf(parts: string[]): Path | undefined {
  if (parts.length === 1 && !parts[0]!.startsWith('$')) return { name: parts[0]! };
  if (parts.length === 3 && parts[1]!.toLowerCase() === 'subscriptions') return { name: parts[0]!, subscription: parts[2]! };
  return undefined;
}
