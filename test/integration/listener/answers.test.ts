import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { send, signedStripe, stripeEvent, stripeHeader } from './peer.js';
import { watchListener, type Watched } from './helpers.js';

const SECRET = 'whsec_listenerAnswersTestSecret0123456789';
let current: Watched | undefined;
afterEach(async () => {
  await current?.listener.close(0);
  current = undefined;
});
const start = async (options: Parameters<typeof watchListener>[0] = {}) => (current = await watchListener(options));

describe('startListener: what each request is answered', () => {
  it('accepts a correctly signed event with 200 and reports it verified', async () => {
    const w = await start({ secret: SECRET });
    const { body, headers } = signedStripe(SECRET, 'payment_intent.succeeded', 'evt_ok1');
    const answer = await send(w.url, body, headers);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ received: true, id: 'evt_ok1' });
    const [record] = await w.events(1);
    expect(record).toMatchObject({ status: 200, provider: 'stripe', type: 'payment_intent.succeeded', id: 'evt_ok1', verified: true, reason: null, duplicate: false, skipped: false });
  });

  it('stamps an event with its time of arrival, however long its delivery takes', async () => {
    const clock = new FakeClock(Date.parse('2026-11-22T10:00:00.000Z'));
    const slowSink = {
      name: 'slow',
      async deliver() {
        clock.advance(90_000);
        return { url: 'slow', status: 200, ok: true, latencyMs: 90_000, attempts: 1, error: null };
      },
    };
    const w = await start({ secret: SECRET, clock, toleranceSec: 10 ** 9, sinks: [slowSink] });
    const { body, headers } = signedStripe(SECRET, 'invoice.paid', 'evt_time1');
    expect((await send(w.url, body, headers)).status).toBe(200);
    const [record] = await w.events(1);
    expect(record).toMatchObject({ receivedAt: '2026-11-22T10:00:00.000Z', id: 'evt_time1' });
    expect(clock.now()).toBe(Date.parse('2026-11-22T10:01:30.000Z'));
  });

  it('refuses a wrong signature with 400 and says why', async () => {
    const w = await start({ secret: SECRET });
    const body = stripeEvent('charge.succeeded', 'evt_bad');
    const answer = await send(w.url, body, { 'stripe-signature': stripeHeader(body, 'whsec_someoneElsesSecret000000000000') });
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/^signature verification failed: .+/);
    const [record] = await w.events(1);
    expect(record).toMatchObject({ status: 400, verified: false, type: 'charge.succeeded' });
    expect(record!.reason).toBeTruthy();
  });

  it('refuses an old timestamp with 400 naming the tolerance', async () => {
    const w = await start({ secret: SECRET });
    const body = stripeEvent('charge.succeeded');
    const answer = await send(w.url, body, { 'stripe-signature': stripeHeader(body, SECRET, Math.floor(Date.now() / 1000) - 3600) });
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/tolerance|old|ago/i);
  });

  it('refuses a request without any signature header when it has a secret', async () => {
    const w = await start({ secret: SECRET });
    const answer = await send(w.url, stripeEvent('charge.succeeded'), { 'content-type': 'application/json' });
    expect(answer.status).toBe(400);
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    const w = await start({ secret: SECRET });
    const answer = await send(w.url, '', {}, 'GET');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    const [record] = await w.events(1);
    expect(record).toMatchObject({ status: 405, method: 'GET' });
  });

  it('answers 413 when the declared length is over --max-body, and keeps serving', async () => {
    const w = await start({ maxBodyBytes: 300 });
    const answer = await send(w.url, 'x'.repeat(1000), { 'content-type': 'text/plain' });
    expect(answer.status).toBe(413);
    expect(answer.text).toContain('--max-body');
    expect((await send(w.url, stripeEvent('a.b'), {})).status).toBe(200);
  });

  it('answers 413 when a chunked body grows past --max-body', async () => {
    const w = await start({ maxBodyBytes: 1024 });
    const status = await new Promise<string>((resolve, reject) => {
      const socket = connect(w.listener.port, '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
        for (let i = 0; i < 4; i++) socket.write(`400\r\n${'y'.repeat(1024)}\r\n`);
      });
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
        if (text.includes('\r\n')) {
          resolve(text.split('\r\n')[0]!);
          socket.destroy();
        }
      });
      socket.on('error', reject);
    });
    expect(status).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('answers 404 outside --path and takes sub-paths under it', async () => {
    const w = await start({ path: '/hooks' });
    expect((await send(`http://127.0.0.1:${w.listener.port}/other`, stripeEvent('a.b'))).status).toBe(404);
    expect((await send(`http://127.0.0.1:${w.listener.port}/hooksy`, stripeEvent('a.b'))).status).toBe(404);
    expect((await send(`http://127.0.0.1:${w.listener.port}/hooks/stripe?x=1`, stripeEvent('a.b'))).status).toBe(200);
  });

  it('without a secret accepts and marks events unverified', async () => {
    const w = await start();
    const answer = await send(w.url, stripeEvent('invoice.paid', 'evt_u1'), { 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    const [record] = await w.events(1);
    expect(record).toMatchObject({ verified: false, type: 'invoice.paid', id: 'evt_u1' });
    expect(record!.reason).toMatch(/no secret/);
  });
});

describe('startListener: duplicates and --events', () => {
  it('answers a repeated event id 200, marks it duplicate, and does not handle it again', async () => {
    const w = await start({ secret: SECRET });
    const first = signedStripe(SECRET, 'payment_intent.succeeded', 'evt_dup');
    expect((await send(w.url, first.body, first.headers)).status).toBe(200);
    const again = await send(w.url, first.body, { ...first.headers, 'stripe-signature': stripeHeader(first.body, SECRET) });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ duplicate: true });
    const records = await w.events(2);
    expect(records.map((r) => r.duplicate)).toEqual([false, true]);
    expect(w.listener.stats).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('spots repeated GitHub deliveries by x-github-delivery', async () => {
    const w = await start();
    const headers = { 'x-github-event': 'push', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' };
    await send(w.url, '{"ref":"refs/heads/main"}', headers);
    await send(w.url, '{"ref":"refs/heads/main"}', headers);
    const records = await w.events(2);
    expect(records.map((r) => [r.provider, r.type, r.duplicate])).toEqual([
      ['github', 'push', false],
      ['github', 'push', true],
    ]);
  });

  it('answers events outside --events 200 and marks them skipped', async () => {
    const w = await start({ secret: SECRET, events: ['payment_intent.*', 'invoice.paid'] });
    for (const type of ['payment_intent.succeeded', 'charge.succeeded', 'invoice.paid', 'invoice.payment_failed']) {
      const { body, headers } = signedStripe(SECRET, type);
      expect((await send(w.url, body, headers)).status).toBe(200);
    }
    const records = await w.events(4);
    expect(records.map((r) => [r.type, r.skipped])).toEqual([
      ['payment_intent.succeeded', false],
      ['charge.succeeded', true],
      ['invoice.paid', false],
      ['invoice.payment_failed', true],
    ]);
  });
});

describe('startListener: stays up', () => {
  it('survives an upload aborted half-way, malformed HTTP and an invalid JSON body', async () => {
    const w = await start();
    await new Promise<void>((resolve) => {
      const socket = connect(w.listener.port, '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"id":"evt_');
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
    });
    const garbage = await new Promise<string>((resolve) => {
      const socket = connect(w.listener.port, '127.0.0.1', () => socket.write('HELLO WORLD\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    const answer = await send(w.url, '{"id": "evt_1", "type": ', { 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    const records = await w.events(1);
    expect(records.at(-1)).toMatchObject({ status: 200, type: null, id: null });
    // Nothing is left hanging from the aborted upload: a shutdown would not wait for it.
    expect(w.listener.inFlight).toBe(0);
  });

  it('stops accepting connections once closed', async () => {
    const w = await start();
    await w.listener.close(0);
    await expect(send(w.url, '{}')).rejects.toThrow();
  });
});
