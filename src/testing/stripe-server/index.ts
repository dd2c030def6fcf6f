import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { maskSecret } from '../../core/mask.js';
import { ApiError } from './api-error.js';
import { canonical, decodeForm, type FormObject } from './form.js';
import { IdempotencyStore } from './idempotency.js';
import { PaymentIntentStore, type PaymentIntentObject } from './payment-intents.js';

export { TEST_PAYMENT_METHODS, type PaymentIntentObject } from './payment-intents.js';

/**
 * One scripted failure, served instead of the next request (before authentication and idempotency, as a load
 * balancer or an overloaded API would): an HTTP error with optional Retry-After and Stripe-Should-Retry headers,
 * a reset connection, or a request that is never answered.
 */
export type Fault =
  | { status: number; retryAfter?: number | string; shouldRetry?: boolean; message?: string }
  | { kind: 'reset' }
  | { kind: 'hang' };

/** What the server saw of one request, for tests to assert attempts, keys and timing. */
export interface RecordedRequest {
  method: string;
  path: string;
  params: FormObject;
  apiKey: string | null;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  /** Every request header, names in lower case. */
  headers: Record<string, string>;
  /** Date.now() when the request arrived. */
  at: number;
  /** The status answered, or how the connection ended. */
  status: number | 'reset' | 'hang';
  fault: boolean;
  replayed: boolean;
  requestId: string | null;
}

export interface StripeServerOptions {
  /** Only these keys are accepted (401 for others); default: any sk_test_/rk_test_ key. */
  keys?: string[];
  /** Keys that may read but not write (403 on POST), like a read-only restricted key. */
  readOnlyKeys?: string[];
  /** Loopback port to listen on; default 0 (any free port). */
  port?: number;
}

/** A Stripe-compatible PaymentIntents API on 127.0.0.1, for tests, benchmarks and demos. */
export interface StripeServer {
  /** http://127.0.0.1:<port>, for STRIPE_API_BASE. */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly intents: PaymentIntentStore;
  /** Queues faults; each is served to one upcoming request, in order. */
  fail(...faults: Fault[]): void;
  /** Forgets requests, faults, idempotency keys and PaymentIntents. */
  reset(): void;
  close(): Promise<void>;
}

const ROUTES: { method: string; pattern: RegExp; run: (store: PaymentIntentStore, params: FormObject, id: string) => unknown }[] = [
  { method: 'POST', pattern: /^\/v1\/payment_intents$/, run: (s, p) => s.create(p) },
  { method: 'GET', pattern: /^\/v1\/payment_intents$/, run: (s, p) => s.list(p) },
  { method: 'GET', pattern: /^\/v1\/payment_intents\/([^/]+)$/, run: (s, _p, id) => s.retrieve(id) },
  { method: 'POST', pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/, run: (s, p, id) => s.confirm(id, p) },
  { method: 'POST', pattern: /^\/v1\/payment_intents\/([^/]+)\/capture$/, run: (s, p, id) => s.capture(id, p) },
  { method: 'POST', pattern: /^\/v1\/payment_intents\/([^/]+)\/cancel$/, run: (s, p, id) => s.cancel(id, p) },
];

function requestId(): string {
  return `req_${randomBytes(8).toString('hex')}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function faultBody(status: number, message?: string): Record<string, unknown> {
  if (status === 429) {
    return { type: 'invalid_request_error', code: 'rate_limit', message: message ?? 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.' };
  }
  if (status === 409) {
    return { type: 'invalid_request_error', code: 'lock_timeout', message: message ?? 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it.' };
  }
  return { type: 'api_error', message: message ?? 'An unknown error occurred' };
}

/** Starts the server on 127.0.0.1 and an ephemeral port. */
export async function startStripeServer(options: StripeServerOptions = {}): Promise<StripeServer> {
  let origin = '';
  const store = { current: new PaymentIntentStore(() => origin) };
  const idempotency = new IdempotencyStore();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];

  const send = (res: ServerResponse, entry: RecordedRequest, status: number, body: unknown, headers: Record<string, string> = {}) => {
    entry.status = status;
    entry.requestId = requestId();
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Request-Id': entry.requestId,
      'Stripe-Version': entry.stripeVersion ?? '2026-10-28.endive',
      ...(entry.idempotencyKey && { 'Idempotency-Key': entry.idempotencyKey }),
      ...headers,
    });
    res.end(text);
    return entry.requestId;
  };

  const authenticate = (entry: RecordedRequest): ApiError | undefined => {
    const key = entry.apiKey;
    if (!key) {
      return new ApiError(401, { type: 'invalid_request_error', message: 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').' });
    }
    const accepted = options.keys ? options.keys.includes(key) || options.readOnlyKeys?.includes(key) : /^(sk|rk)_test_/.test(key);
    if (!accepted) {
      return new ApiError(401, { type: 'invalid_request_error', code: 'api_key_expired', message: `Invalid API Key provided: ${maskSecret(key)}` });
    }
    if (entry.method === 'POST' && options.readOnlyKeys?.includes(key)) {
      return new ApiError(403, { type: 'invalid_request_error', message: `The provided key '${maskSecret(key)}' does not have the required permissions for this endpoint. Having the 'rak_payment_intent_write' permission would allow this request to continue.` });
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, at: number) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : null);
    const entry: RecordedRequest = {
      method,
      path: url.pathname,
      params: decodeForm(method === 'GET' || method === 'DELETE' ? url.search.slice(1) : body),
      apiKey: auth?.[1] ?? null,
      idempotencyKey: header('idempotency-key'),
      stripeVersion: header('stripe-version'),
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
      at,
      status: 0,
      fault: false,
      replayed: false,
      requestId: null,
    };
    requests.push(entry);

    const fault = faults.shift();
    if (fault) {
      entry.fault = true;
      if ('kind' in fault) {
        entry.status = fault.kind;
        if (fault.kind === 'reset') req.socket.resetAndDestroy();
        return; // a hang: never answered; close() destroys the socket
      }
      return send(res, entry, fault.status, { error: faultBody(fault.status, fault.message) }, {
        ...(fault.retryAfter !== undefined && { 'Retry-After': String(fault.retryAfter) }),
        ...(fault.shouldRetry !== undefined && { 'Stripe-Should-Retry': String(fault.shouldRetry) }),
      });
    }

    const authenticated = url.pathname.startsWith('/3ds/') ? undefined : authenticate(entry);
    if (authenticated) return send(res, entry, authenticated.status, { error: authenticated.body });

    const threeDs = /^\/3ds\/([^/]+)\/authenticate$/.exec(url.pathname);
    if (threeDs && method === 'GET') return completeAuthentication(res, entry, threeDs[1]!, url);

    const route = ROUTES.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route) {
      return send(res, entry, 404, {
        error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.` },
      });
    }
    if (method === 'POST' && body && !/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
      return send(res, entry, 400, { error: { type: 'invalid_request_error', message: `Invalid request: unsupported Content-Type ${req.headers['content-type']}. If error persists and you need assistance, please contact support@stripe.com.` } });
    }
    const params = canonical(entry.params);
    const account = entry.apiKey!;
    try {
      if (method === 'POST' && entry.idempotencyKey) {
        const saved = idempotency.lookup(account, entry.idempotencyKey, method, url.pathname, params);
        if (saved) {
          entry.replayed = true;
          return send(res, entry, saved.status, saved.body, { 'Idempotent-Replayed': 'true', 'Original-Request': saved.requestId });
        }
      }
      const id = decodeURIComponent(route.pattern.exec(url.pathname)?.[1] ?? '');
      const result = structuredClone(route.run(store.current, entry.params, id));
      const text = JSON.stringify(result);
      const rid = send(res, entry, 200, text);
      if (method === 'POST' && entry.idempotencyKey) idempotency.save(account, entry.idempotencyKey, method, url.pathname, params, { status: 200, body: text, requestId: rid });
    } catch (error) {
      if (!(error instanceof ApiError)) {
        return send(res, entry, 500, { error: { type: 'api_error', message: `fake Stripe server bug: ${(error as Error).message}` } });
      }
      const text = JSON.stringify({ error: error.body });
      const rid = send(res, entry, error.status, text, error.headers);
      if (method === 'POST' && entry.idempotencyKey && IdempotencyStore.keeps(error.status)) {
        idempotency.save(account, entry.idempotencyKey, method, url.pathname, params, { status: error.status, body: text, requestId: rid });
      }
    }
  };

  // The page the customer would see for 3-D Secure: visiting it completes (or, with ?outcome=fail, fails) the step.
  const completeAuthentication = (res: ServerResponse, entry: RecordedRequest, id: string, url: URL) => {
    let pi: PaymentIntentObject;
    try {
      pi = store.current.retrieve(id);
      const returnUrl = (pi.next_action as { redirect_to_url?: { return_url?: string } } | null)?.redirect_to_url?.return_url;
      store.current.completeAction(id, url.searchParams.get('outcome') !== 'fail');
      if (returnUrl) return send(res, entry, 302, '', { Location: `${returnUrl}${returnUrl.includes('?') ? '&' : '?'}payment_intent=${id}` });
      return send(res, entry, 200, { id, status: pi.status });
    } catch (error) {
      return send(res, entry, 400, { error: { type: 'invalid_request_error', message: (error as Error).message } });
    }
  };

  const server = createServer((req, res) => {
    const at = Date.now();
    handle(req, res, at).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    port,
    requests,
    get intents() {
      return store.current;
    },
    fail: (...more) => void faults.push(...more),
    reset() {
      requests.length = 0;
      faults.length = 0;
      idempotency.clear();
      store.current = new PaymentIntentStore(() => origin);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
