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
  // Parsed once per target: replay sends thousands of requests to one URL, and URL parsing shows in its profile.
  const targets = new Map<string, { secure: boolean; options: http.RequestOptions } | null>();
  const target = (raw: string) => {
    let found = targets.get(raw);
    if (found === undefined) {
      try {
        const url = new URL(raw);
        const secure = url.protocol === 'https:';
        found = {
          secure,
          options: {
            protocol: url.protocol,
            hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: url.port || (secure ? 443 : 80),
            path: url.pathname + url.search,
            ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
          },
        };
      } catch {
        found = null;
      }
      if (targets.size > 1000) targets.clear();
      targets.set(raw, found);
    }
    return found;
  };

  function send(request: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const found = target(request.url);
      if (!found) return reject(new HttpFailure(`invalid URL ${request.url}`, 'network', 'EINVALIDURL'));
      if (request.signal?.aborted) return reject(new HttpFailure('aborted', 'aborted'));
      const { secure, options: base } = found;
      const started = performance.now();
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const headers = { ...request.headers, 'content-length': String(request.body.length) };
      const req = (secure ? https : http).request(
        { ...base, method: request.method ?? 'POST', headers, agent: secure ? httpsAgent : httpAgent },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            if (kept < maxResponseBytes) {
              const part = chunk.subarray(0, maxResponseBytes - kept);
              chunks.push(part);
              kept += part.length;
            }
          });
          res.on('end', () =>
            finish(() =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks),
                latencyMs: performance.now() - started,
              }),
            ),
          );
          res.on('error', (error) => req.destroy(error));
          res.on('close', () => {
            if (!res.complete) {
              finish(() => reject(new HttpFailure('connection closed before the answer was complete', 'network', 'ECONNRESET')));
            }
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new HttpFailure(`no answer within ${request.timeoutMs} ms`, 'timeout', 'ETIMEOUT'));
      }, request.timeoutMs);
      const onAbort = () => req.destroy(new HttpFailure('aborted', 'aborted'));
      request.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error: NodeJS.ErrnoException) =>
        finish(() => reject(error instanceof HttpFailure ? error : networkFailure(error))),
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
