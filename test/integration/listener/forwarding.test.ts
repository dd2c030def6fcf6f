import { afterEach, describe, expect, it } from 'vitest';
import { HttpForwardSink } from '../../../src/listener/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { send, signedStripe, startPeer, stripeHeader, stripeValid, type Peer } from './peer.js';
import { watchListener, type Watched } from './helpers.js';

const SECRET = 'whsec_forwardingTestSecret0123456789abcdef';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function peer(handler?: Peer['handler']): Promise<Peer> {
  const p = await startPeer(handler);
  cleanups.push(() => p.close());
  return p;
}
async function listen(options: Parameters<typeof watchListener>[0]): Promise<Watched> {
  const w = await watchListener(options);
  cleanups.push(() => w.listener.close(0));
  return w;
}

describe('HttpForwardSink through the listener', () => {
  it('forwards the exact bytes of CRLF and non-ASCII bodies, and the app can verify the signature itself', async () => {
    const app = await peer();
    const w = await listen({ secret: SECRET, sinks: [new HttpForwardSink({ forwardTo: `${app.url}/hook` })] });
    const bodies = [
      Buffer.from('{\r\n  "id": "evt_crlf",\r\n  "type": "charge.succeeded"\r\n}\r\n'),
      Buffer.from('{"id":"evt_utf8","type":"charge.succeeded","name":"Zoë Müller — 😀","escaped":"a\\/b"}'),
    ];
    for (const body of bodies) {
      const answer = await send(w.url, body, { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': stripeHeader(body, SECRET) });
      expect(answer.status).toBe(200);
    }
    await w.events(2);
    expect(app.requests.map((r) => r.body)).toEqual(bodies);
    for (const r of app.requests) {
      expect(r.path).toBe('/hook');
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(stripeValid(r.headers['stripe-signature'], r.body, SECRET)).toBe(true);
    }
  });

  it('drops hop-by-hop headers, keeps the others, and adds --header values', async () => {
    const app = await peer();
    const sink = new HttpForwardSink({ forwardTo: app.url, headers: { 'x-env': 'dev', authorization: 'Bearer local' } });
    const w = await listen({ sinks: [sink] });
    await send(w.url, '{"id":"evt_h","type":"a.b"}', {
      'content-type': 'application/json',
      'x-custom': 'kept',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic abc',
      te: 'trailers',
      upgrade: 'h2c',
      connection: 'keep-alive, upgrade, x-private',
      'x-private': 'connection-scoped',
    });
    await w.events(1);
    const headers = app.requests[0]!.headers;
    expect(headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'kept', 'x-env': 'dev', authorization: 'Bearer local' });
    for (const name of ['keep-alive', 'proxy-authorization', 'te', 'upgrade', 'x-private']) expect(headers[name]).toBeUndefined();
    expect(headers.host).toBe(new URL(app.url).host);
  });

  it('routes by event type, first match first, and falls back to --forward-to', async () => {
    const [pay, charges, rest] = [await peer(), await peer(), await peer()];
    const sink = new HttpForwardSink({
      forwardTo: rest.url,
      routes: [
        { pattern: 'payment_intent.*', url: pay.url },
        { pattern: 'charge.refunded', url: charges.url },
        { pattern: 'charge.*', url: rest.url + '/never' },
      ],
    });
    const w = await listen({ secret: SECRET, sinks: [sink] });
    for (const type of ['payment_intent.succeeded', 'charge.refunded', 'invoice.paid', 'payment_intent.canceled']) {
      const { body, headers } = signedStripe(SECRET, type);
      await send(w.url, body, headers);
    }
    const records = await w.events(4);
    const typeOf = (p: Peer) => p.requests.map((r) => (JSON.parse(r.body.toString()) as { type: string }).type);
    expect(typeOf(pay)).toEqual(['payment_intent.succeeded', 'payment_intent.canceled']);
    expect(typeOf(charges)).toEqual(['charge.refunded']);
    expect(typeOf(rest)).toEqual(['invoice.paid']);
    expect(records.map((r) => r.forwards.map((f) => [f.url, f.status]))).toEqual([
      [[pay.url, 200]],
      [[charges.url, 200]],
      [[rest.url, 200]],
      [[pay.url, 200]],
    ]);
  });

  it('retries 503 and 429 answers, waiting as long as Retry-After says', async () => {
    const answers = [
      { status: 503, headers: { 'retry-after': '1' } },
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 200, body: 'finally' },
    ];
    const app = await peer((_r, i) => answers[i] ?? { status: 200 });
    const clock = new FakeClock(Date.now());
    const w = await listen({ sinks: [new HttpForwardSink({ forwardTo: app.url, clock, retries: 3 })] });
    await send(w.url, '{"id":"evt_r","type":"a.b"}');
    const [record] = await w.events(1);
    expect(record!.forwards).toEqual([expect.objectContaining({ status: 200, ok: true, attempts: 3, error: null })]);
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(app.requests).toHaveLength(3);
  });

  it('does not retry a 4xx answer, and reports it', async () => {
    const app = await peer(() => ({ status: 422, body: 'missing field' }));
    const w = await listen({ sinks: [new HttpForwardSink({ forwardTo: app.url, retries: 3 })] });
    await send(w.url, '{"id":"evt_4","type":"a.b"}');
    const [record] = await w.events(1);
    expect(record!.forwards[0]).toMatchObject({ status: 422, ok: false, attempts: 1, responseBody: 'missing field' });
    expect(app.requests).toHaveLength(1);
  });

  it('opens the circuit of a failing target and stops calling it', async () => {
    const app = await peer(() => ({ status: 500 }));
    const sink = new HttpForwardSink({ forwardTo: app.url, retries: 0, breakerThreshold: 2, breakerResetMs: 60_000 });
    const w = await listen({ sinks: [sink] });
    for (let i = 0; i < 4; i++) await send(w.url, `{"id":"evt_c${i}","type":"a.b"}`);
    const records = await w.events(4);
    expect(records.map((r) => r.forwards[0]!.status)).toEqual([500, 500, null, null]);
    expect(records[3]!.forwards[0]!.error).toMatch(/circuit open/);
    expect(app.requests).toHaveLength(2);
  });

  it('gives up on a target that never answers after --timeout, and keeps serving', async () => {
    const never = new Promise(() => {});
    const app = await peer((_r, i) => (i === 0 ? { hold: never } : { status: 200 }));
    const w = await listen({ sinks: [new HttpForwardSink({ forwardTo: app.url, timeoutMs: 200, retries: 0 })] });
    await send(w.url, '{"id":"evt_t1","type":"a.b"}');
    const [record] = await w.events(1);
    expect(record!.forwards[0]).toMatchObject({ status: null, ok: false, error: 'no answer within 200 ms' });
    await send(w.url, '{"id":"evt_t2","type":"a.b"}');
    const records = await w.events(2);
    expect(records[1]!.forwards[0]).toMatchObject({ status: 200 });
  });

  it('reports a refused connection after its retries', async () => {
    const gone = await startPeer();
    await gone.close();
    const clock = new FakeClock(Date.now());
    const w = await listen({ sinks: [new HttpForwardSink({ forwardTo: gone.url, retries: 2, clock })] });
    await send(w.url, '{"id":"evt_x","type":"a.b"}');
    const [record] = await w.events(1);
    expect(record!.forwards[0]).toMatchObject({ status: null, ok: false, attempts: 3, error: 'connection refused' });
  });

  it('lets an in-flight forward finish when closed', async () => {
    let release!: () => void;
    const app = await peer(() => ({ status: 202, hold: new Promise<void>((r) => (release = r)) }));
    const w = await listen({ sinks: [new HttpForwardSink({ forwardTo: app.url })] });
    await send(w.url, '{"id":"evt_g","type":"a.b"}');
    await app.received(1);
    const closed = w.listener.close(10_000);
    setTimeout(() => release(), 100);
    await closed;
    expect(w.records[0]!.forwards[0]).toMatchObject({ status: 202, ok: true });
  });
});
