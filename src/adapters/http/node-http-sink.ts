import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { HttpFailure, type HttpRequest, type HttpResponse, type HttpSinkPort } from './http-sink.js';

export interface NodeHttpSinkOptions {
  /** Sockets per target host; bounded so a flood of forwards cannot open thousands of connections. */
  maxSockets?: number;
  /** How much of each response body to keep (it is only displayed). */
  maxResponseBytes?: number;
}

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the target',
  EPIPE: 'connection closed by the target',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'socket error',
};

const EMPTY = Buffer.alloc(0);

/** A target URL parsed once: replay sends thousands of requests to one URL, and URL parsing shows in its profile. */
interface Target {
  secure: boolean;
  protocol: string;
  hostname: string;
  port: number;
  path: string;
  /** What node would send as Host, and Authorization for a URL with a user: requests carry their own headers. */
  host: string;
  authorization: string | undefined;
}

function networkFailure(error: NodeJS.ErrnoException): HttpFailure {
  const code = error.code;
  const text = (code && NETWORK_MESSAGES[code]) ?? error.message;
  return new HttpFailure(text, 'network', code, { cause: error });
}

/** The HTTP sink on node:http/node:https with keep-alive agents (no fetch/undici: fewer moving parts, exact bytes). */
export function createNodeHttpSink(options: NodeHttpSinkOptions = {}): HttpSinkPort {
  const maxSockets = options.maxSockets ?? 64;
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  const targets = new Map<string, Target | null>();
  const target = (raw: string) => {
    let found = targets.get(raw);
    if (found === undefined) {
      try {
        const url = new URL(raw);
        const secure = url.protocol === 'https:';
        found = {
          secure,
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: Number(url.port || (secure ? 443 : 80)),
          path: url.pathname + url.search,
          host: url.host,
          authorization: url.username
            ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
            : undefined,
        };
      } catch {
        found = null;
      }
      if (targets.size > 1000) targets.clear();
      targets.set(raw, found);
    }
    return found;
  };

  // One abort listener per signal, not one per request: replay sends thousands of requests under one signal.
  const inFlight = new WeakMap<AbortSignal, Set<http.ClientRequest>>();
  const track = (signal: AbortSignal, req: http.ClientRequest) => {
    let requests = inFlight.get(signal);
    if (!requests) {
      const set = (requests = new Set());
      inFlight.set(signal, set);
      signal.addEventListener('abort', () => {
        for (const r of set) r.destroy(new HttpFailure('aborted', 'aborted'));
      }, { once: true });
    }
    requests.add(req);
  };

  function send(request: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const found = target(request.url);
      if (!found) return reject(new HttpFailure(`invalid URL ${request.url}`, 'network', 'EINVALIDURL'));
      const signal = request.signal;
      if (signal?.aborted) return reject(new HttpFailure('aborted', 'aborted'));
      const secure = found.secure;
      const started = performance.now();
      let settled = false;
      // Settles once: with the answer, or else with the error (no closure per request for which).
      const finish = (response: HttpResponse | undefined, error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (signal) inFlight.get(signal)?.delete(req);
        if (response) resolve(response);
        else reject(error);
      };
      // Headers as a flat list, which node writes as they come (still checking each name and value), where an
      // object goes through setHeader one by one: the difference showed in replay's profile. Host and
      // Authorization, which node adds only to an object, are added here as node would.
      const given = request.headers;
      const headers: string[] = [];
      for (const name in given) if (name !== 'content-length') headers.push(name, given[name]!);
      if (given.host === undefined) headers.push('host', found.host);
      if (found.authorization !== undefined && given.authorization === undefined) headers.push('authorization', found.authorization);
      headers.push('content-length', String(request.body.length));
      // A fresh literal, not a spread of the parsed target: the spread showed in replay's profile.
      const req = (secure ? https : http).request(
        {
          protocol: found.protocol, hostname: found.hostname, port: found.port, path: found.path,
          method: request.method ?? 'POST', headers, agent: secure ? httpsAgent : httpAgent,
        },
        (res) => {
          let body: Buffer | undefined;
          let chunks: Buffer[] | undefined;
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            if (kept >= maxResponseBytes) return;
            const part = kept + chunk.length > maxResponseBytes ? chunk.subarray(0, maxResponseBytes - kept) : chunk;
            kept += part.length;
            // Most answers are one chunk: kept as it is, without a copy.
            if (body === undefined) body = part;
            else (chunks ??= [body]).push(part);
          });
          res.on('end', () =>
            finish({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: chunks ? Buffer.concat(chunks) : (body ?? EMPTY),
              latencyMs: performance.now() - started,
            }),
          );
          res.on('error', (error) => req.destroy(error));
          res.on('close', () => {
            if (!res.complete) {
              finish(undefined, new HttpFailure('connection closed before the answer was complete', 'network', 'ECONNRESET'));
            }
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new HttpFailure(`no answer within ${request.timeoutMs} ms`, 'timeout', 'ETIMEOUT'));
      }, request.timeoutMs);
      if (signal) track(signal, req);
      req.on('error', (error: NodeJS.ErrnoException) =>
        finish(undefined, error instanceof HttpFailure ? error : networkFailure(error)),
      );
      req.end(request.body);
    });
  }

  return {
    send,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
