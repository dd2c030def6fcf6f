import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../src/adapters/webhooks/index.js';
import type { DeliveryDetail, ListJson } from '../../../src/inspector/shapes.js';
import { send, signedStripe, stripeEvent, stripeHeader, stripeValid } from '../listener/peer.js';
import { openSse, type SseClient } from './sse-client.js';
import { SECRET, startStack, type Stack } from './stack.js';

const stacks: Stack[] = [];
const clients: SseClient[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  while (stacks.length) await stacks.pop()!.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function stack(options: Parameters<typeof startStack>[0] = {}): Promise<Stack> {
  const s = await startStack(options);
  stacks.push(s);
  return s;
}

const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'switchyard-inspector-'));
  dirs.push(d);
  return d;
};
const auth = (s: Stack) => ({ authorization: `Bearer ${s.inspector.token}` });

async function get<T>(s: Stack, path: string): Promise<T> {
  const r = await send(`${s.inspector.origin}${path}`, '', auth(s), 'GET');
  expect(r.status, r.text).toBe(200);
  return JSON.parse(r.text) as T;
}

async function post(s: Stack, path: string, body: unknown): Promise<{ status: number; json: DeliveryDetail & { error?: { message: string } } }> {
  const r = await send(`${s.inspector.origin}${path}`, JSON.stringify(body), { ...auth(s), 'content-type': 'application/json' }, 'POST');
  return { status: r.status, json: JSON.parse(r.text) };
}

async function deliver(s: Stack, body: string, secret: string | null = SECRET, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
  if (secret) headers['stripe-signature'] = stripeHeader(body, secret);
  return send(s.listener.url, body, headers);
}

/** Waits until the listener's forwards have reached the app (the inspector sees them at the same moment). */
const settle = (s: Stack, n: number) => s.app.received(n).then(() => new Promise((r) => setTimeout(r, 50)));

describe('inspector API', () => {
  it('lists newest first, narrows by provider, verdict, status class and text, and gives the exact bytes in base64', async () => {
    const s = await stack({ handler: (req) => (req.body.includes('fail_me') ? { status: 500, body: 'nope' } : { status: 200 }) });
    const odd = '{"id":"evt_a","type":"invoice.paid",  "note":"tabs\\tand unicode é ✓"}\r\n';
    await deliver(s, odd);
    await deliver(s, stripeEvent('payment_intent.succeeded', 'evt_b', ', "fail_me": true'));
    await deliver(s, stripeEvent('charge.refunded', 'evt_c'), 'whsec_wrong');
    await settle(s, 2);
    const all = await get<ListJson>(s, '/api/requests/http');
    expect(all.requests.map((r) => r.eventId)).toEqual(['evt_c', 'evt_b', 'evt_a']);
    expect(all.eventId).toMatch(/^[0-9a-f]+-\d+$/);
    const ids = async (q: string) => (await get<ListJson>(s, `/api/requests/http?${q}`)).requests.map((r) => r.eventId);
    expect(await ids('verdict=failed')).toEqual(['evt_c']);
    expect(await ids('verdict=verified&status=5xx')).toEqual(['evt_b']);
    expect(await ids('status=2xx')).toEqual(['evt_a']);
    expect(await ids('q=UNICODE')).toEqual(['evt_a']);
    expect(await ids('q=charge.refunded')).toEqual(['evt_c']);
    expect(await ids('provider=github')).toEqual([]);
    expect(await ids('limit=1')).toEqual(['evt_c']);
    const first = all.requests.find((r) => r.eventId === 'evt_a')!;
    const one = await get<DeliveryDetail>(s, `/api/requests/http/${first.id}`);
    expect(Buffer.from(one.request.raw, 'base64').equals(Buffer.from(odd))).toBe(true);
    expect(one.timeline).toMatchObject([{ kind: 'forward', status: 200, target: s.target }]);
  });

  it('shows the same diagnosis as webhooks verify for a bad signature', async () => {
    const s = await stack();
    const body = stripeEvent('invoice.paid', 'evt_prefix');
    const header = stripeHeader(body, SECRET.slice('whsec_'.length));
    await send(s.listener.url, body, { 'content-type': 'application/json', 'stripe-signature': header });
    const [row] = (await get<ListJson>(s, '/api/requests/http')).requests;
    const expected = verifyWebhook({ provider: 'stripe', body: Buffer.from(body), headers: { 'stripe-signature': header }, secret: SECRET });
    expect(row).toMatchObject({ verdict: 'failed', answer: 400, reason: expected.reason });
    expect(row!.reason).toMatch(/whsec_ prefix/);
  });

  it('replays the recorded bytes and signature, re-signed, or edited and re-signed, each as a new attempt', async () => {
    const s = await stack();
    const body = stripeEvent('payment_intent.succeeded', 'evt_replay', ', "amount": 2000');
    await deliver(s, body);
    await settle(s, 1);
    const [row] = (await get<ListJson>(s, '/api/requests/http')).requests;
    const original = s.app.requests[0]!;

    const plain = await post(s, `/api/requests/http/${row!.id}/replay`, { mode: 'original' });
    expect(plain.status).toBe(200);
    expect(s.app.requests[1]!.body.equals(original.body)).toBe(true);
    expect(s.app.requests[1]!.headers['stripe-signature']).toBe(original.headers['stripe-signature']);

    const fresh = await post(s, `/api/requests/http/${row!.id}/replay`, { mode: 'resigned' });
    expect(fresh.json.timeline[2]).toMatchObject({ kind: 'replay', mode: 'resigned', resigned: true, status: 200 });
    expect(stripeValid(s.app.requests[2]!.headers['stripe-signature'], s.app.requests[2]!.body, SECRET)).toBe(true);

    const editedBody = body.replace('2000', '2500');
    const edited = await post(s, `/api/requests/http/${row!.id}/replay`, { mode: 'edited', body: editedBody, headers: { ...original.headers, 'x-note': 'edited' } });
    expect(edited.status).toBe(200);
    const got = s.app.requests[3]!;
    expect(got.body.toString()).toBe(editedBody);
    expect(got.headers['x-note']).toBe('edited');
    expect(stripeValid(got.headers['stripe-signature'], got.body, SECRET)).toBe(true);
    expect(edited.json.timeline.map((a) => [a.kind, a.mode])).toEqual([['forward', null], ['replay', 'original'], ['replay', 'resigned'], ['replay', 'edited']]);
    expect(Buffer.from(edited.json.timeline[3]!.sent!.raw, 'base64').toString()).toBe(editedBody);
    // ngrok's shape: POST /api/requests/http {"id": …}
    expect((await post(s, '/api/requests/http', { id: row!.id })).status).toBe(200);
    expect(s.app.requests).toHaveLength(5);
  });

  it('says why a replay is refused: no target, no secret to re-sign with, unknown delivery', async () => {
    const s = await stack({ secret: null, inspector: { targets: [], route: () => null } });
    await deliver(s, stripeEvent('invoice.paid', 'evt_x'));
    await settle(s, 1);
    const none = await post(s, '/api/requests/http/1/replay', {});
    expect(none.status).toBe(409);
    expect(none.json.error!.message).toMatch(/no target/);
    expect((await post(s, '/api/requests/http/99/replay', {})).status).toBe(404);
    const t = await stack({ secret: null });
    await deliver(t, stripeEvent('invoice.paid', 'evt_y'));
    await settle(t, 1);
    const resign = await post(t, '/api/requests/http/1/replay', { mode: 'resigned' });
    expect(resign.status).toBe(409);
    expect(resign.json.error!.message).toMatch(/no secret/);
  });

  it('deletes one delivery or all of them from its view', async () => {
    const s = await stack();
    await deliver(s, stripeEvent('invoice.paid', 'evt_1'));
    await deliver(s, stripeEvent('invoice.paid', 'evt_2'));
    await settle(s, 2);
    const del = (path: string) => send(`${s.inspector.origin}${path}`, '', { ...auth(s), 'content-type': 'application/json' }, 'DELETE');
    expect((await del('/api/requests/http/1')).status).toBe(204);
    expect((await get<ListJson>(s, '/api/requests/http')).requests.map((r) => r.eventId)).toEqual(['evt_2']);
    expect((await send(`${s.inspector.origin}/api/requests/http/1`, '', auth(s), 'GET')).status).toBe(404);
    expect((await del('/api/requests/http')).status).toBe(204);
    expect((await get<ListJson>(s, '/api/requests/http')).requests).toEqual([]);
  });

  it('streams new deliveries; a client that reconnects with Last-Event-ID gets exactly what it missed', async () => {
    const s = await stack();
    const headers = { ...auth(s) };
    const first = await openSse(`${s.inspector.origin}/api/events`, headers);
    clients.push(first);
    await deliver(s, stripeEvent('invoice.paid', 'evt_s1'));
    const [m1] = await first.until(1, 'delivery');
    expect(JSON.parse(m1!.data)).toMatchObject({ eventId: 'evt_s1', verdict: 'verified' });
    const seen = first.messages[first.messages.length - 1]!.id;
    first.close();
    await deliver(s, stripeEvent('invoice.paid', 'evt_s2'));
    await deliver(s, stripeEvent('invoice.paid', 'evt_s3'));
    await settle(s, 3);
    const again = await openSse(`${s.inspector.origin}/api/events`, { ...headers, 'last-event-id': seen });
    clients.push(again);
    const missed = await again.until(2, 'delivery');
    expect(missed.map((m) => JSON.parse(m.data).eventId)).toEqual(['evt_s2', 'evt_s3']);
    // A position from another run (the listener restarted) cannot be resumed: the page is told to reload.
    const stale = await openSse(`${s.inspector.origin}/api/events`, { ...headers, 'last-event-id': 'deadbeef-3' });
    clients.push(stale);
    await stale.until(1, 'reset');
  });

  it('sends a burst in batched writes, every delivery with its own id, multi-byte text intact; a resume from the middle gets the rest', async () => {
    const s = await stack();
    const stream = await openSse(`${s.inspector.origin}/api/events`, auth(s));
    clients.push(stream);
    const types = Array.from({ length: 40 }, (_, i) => `café.reçu.${i}.✓`);
    await Promise.all(types.map((t, i) => deliver(s, stripeEvent(t, `evt_burst${i}`))));
    const got = await stream.until(40, 'delivery');
    expect(got.map((m) => JSON.parse(m.data).type).sort()).toEqual([...types].sort());
    const numbers = got.map((m) => Number(m.id.split('-')[1]));
    expect(new Set(got.map((m) => m.id.split('-')[0])).size).toBe(1);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(40);
    const middle = got[24]!.id;
    const again = await openSse(`${s.inspector.origin}/api/events`, { ...auth(s), 'last-event-id': middle });
    clients.push(again);
    const rest = await again.until(15, 'delivery');
    expect(rest.map((m) => m.id)).toEqual(got.slice(25).map((m) => m.id));
  });

  it('keeps a connected page up with a flood larger than the deliveries kept in memory: every one sent, no reset', async () => {
    const s = await stack({ inspector: { keep: 8 } });
    const stream = await openSse(`${s.inspector.origin}/api/events`, auth(s));
    clients.push(stream);
    await Promise.all(Array.from({ length: 60 }, (_, i) => deliver(s, stripeEvent('invoice.paid', `evt_flood${i}`))));
    const got = await stream.until(60, 'delivery');
    expect(new Set(got.map((m) => JSON.parse(m.data).eventId)).size).toBe(60);
    expect(stream.messages.filter((m) => m.event === 'reset')).toEqual([]);
  });

  it('tells a client to reload when what it missed is no longer in the bounded log', async () => {
    const s = await stack({ inspector: { keep: 2 } });
    await deliver(s, stripeEvent('invoice.paid', 'evt_b0'));
    const { eventId } = await get<ListJson>(s, '/api/requests/http');
    for (let i = 1; i <= 8; i++) await deliver(s, stripeEvent('invoice.paid', `evt_b${i}`));
    await settle(s, 9);
    const late = await openSse(`${s.inspector.origin}/api/events?since=${eventId}`, auth(s));
    clients.push(late);
    await late.until(1, 'reset');
    expect(late.messages.filter((m) => m.event === 'delivery')).toEqual([]);
    // The list it reloads holds the last --inspect-keep deliveries.
    expect((await get<ListJson>(s, '/api/requests/http')).requests.map((r) => r.eventId)).toEqual(['evt_b8', 'evt_b7']);
  });

  it('keeps the last --inspect-keep deliveries in memory and reads older ones from the record folder', async () => {
    const dir = tmp();
    const s = await stack({ recordDir: dir, inspector: { keep: 2 } });
    for (let i = 1; i <= 5; i++) await deliver(s, stripeEvent('invoice.paid', `evt_k${i}`));
    await settle(s, 5);
    expect(readdirSync(dir).filter((n) => !n.startsWith('.'))).toHaveLength(5); // besides the hidden journal
    const page1 = await get<ListJson>(s, '/api/requests/http?limit=3');
    expect(page1.requests.map((r) => [r.eventId, r.source])).toEqual([['evt_k5', 'live'], ['evt_k4', 'live'], ['evt_k3', 'record']]);
    const page2 = await get<ListJson>(s, `/api/requests/http?limit=3&before=${page1.next}`);
    expect(page2.requests.map((r) => r.eventId)).toEqual(['evt_k2', 'evt_k1']);
    expect(page2.next).toBeNull();
    const old = await get<DeliveryDetail>(s, `/api/requests/http/${page2.requests[1]!.id}`);
    expect(old).toMatchObject({ verdict: 'verified', recorded: expect.stringContaining(dir) });
    expect((await post(s, `/api/requests/http/${old.id}/replay`, {})).json.timeline).toHaveLength(1);
  });

  it('checks a recorded URL-signing scheme (twilio) against the URL the recording kept', async () => {
    const dir = tmp();
    const fixture = JSON.parse(readFileSync('fixtures/webhooks/twilio/message-received.json', 'utf8')) as { url: string };
    writeFileSync(join(dir, '000001-twilio.json'), JSON.stringify(fixture));
    writeFileSync(join(dir, '000002-twilio.json'), JSON.stringify({ ...fixture, url: `${fixture.url}/other` }));
    const { startInspector } = await import('../../../src/inspector/index.js');
    const inspector = await startInspector({ port: 0, recordDir: dir, targets: [], secret: 'f1x7ur3a0th0t0k3n0sw1tchyard0042' });
    try {
      const r = await send(`${inspector.origin}/api/requests/http`, '', { authorization: `Bearer ${inspector.token}` }, 'GET');
      const rows = (JSON.parse(r.text) as ListJson).requests;
      expect(rows.map((row) => row.verdict)).toEqual(['failed', 'verified']);
    } finally {
      await inspector.close();
    }
  });

  it('inspects a record folder without a listener: verified as of arrival, replayed to --to', async () => {
    const dir = tmp();
    const s = await stack({ recordDir: dir });
    const event = signedStripe(SECRET, 'invoice.paid', 'evt_rec');
    await send(s.listener.url, event.body, event.headers);
    await settle(s, 1);
    const { startInspector } = await import('../../../src/inspector/index.js');
    const inspector = await startInspector({ port: 0, recordDir: dir, targets: [s.target], secret: SECRET });
    try {
      const r = await send(`${inspector.origin}/api/requests/http`, '', { authorization: `Bearer ${inspector.token}` }, 'GET');
      const [row] = (JSON.parse(r.text) as ListJson).requests;
      expect(row).toMatchObject({ eventId: 'evt_rec', verdict: 'verified', source: 'record', answer: null });
      const replay = await send(`${inspector.origin}/api/requests/http/${row!.id}/replay`, '{"mode":"resigned"}', {
        authorization: `Bearer ${inspector.token}`, 'content-type': 'application/json',
      }, 'POST');
      expect(replay.status).toBe(200);
      expect(s.app.requests[1]!.body.toString()).toBe(event.body);
    } finally {
      await inspector.close();
    }
  });
});
