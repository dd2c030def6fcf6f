import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BodySlabs } from '../../../src/inspector/body-slabs.js';
import type { Delivery } from '../../../src/inspector/delivery.js';
import { LiveDelivery } from '../../../src/inspector/live-ring.js';
import { EventHub } from '../../../src/inspector/sse.js';
import { ListenerEvent } from '../../../src/listener/event.js';
import { openSse, type SseClient } from './sse-client.js';

// The event log on its own, over real HTTP, with a store whose memory the test moves by hand.

const servers: Server[] = [];
const clients: SseClient[] = [];
const hubs: EventHub[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) h.close();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

const bodies = new BodySlabs(1000);

function delivery(n: number): LiveDelivery {
  const ev = new ListenerEvent(n, Date.UTC(2026, 10, 29), 'POST', '/', {});
  ev.type = 'invoice.paid';
  ev.id = `evt_${n}`;
  ev.verified = true;
  return new LiveDelivery(n, ev, false, bodies);
}

async function setup(keep: number, floodRows?: number) {
  const memory = new Map<number, Delivery>();
  const store = { oldest: 1, liveDelivery: (n: number) => (n >= store.oldest ? memory.get(n) : undefined), oldestLive: () => store.oldest };
  const hub = new EventHub(keep * 2, store, floodRows);
  hubs.push(hub);
  const server = createServer((req, res) => hub.attach(res, () => true, (req.headers['last-event-id'] as string | undefined) ?? undefined));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const add = (n: number) => {
    const d = delivery(n);
    memory.set(n, d);
    hub.push('delivery', d);
    return d;
  };
  const connect = async (lastId?: string) => {
    const c = await openSse(url, lastId ? { 'last-event-id': lastId } : {});
    clients.push(c);
    return c;
  };
  return { hub, store, add, connect };
}

describe('the event log (EventHub)', () => {
  it('drops an update of a delivery that left memory before it was sent, without telling an up-to-date page to reload', async () => {
    const { hub, store, add, connect } = await setup(4);
    const page = await connect();
    const first = add(1);
    add(2);
    add(3);
    await page.until(3, 'delivery');
    hub.push('update', first);
    store.oldest = 2; // delivery 1 leaves memory before the next flush
    add(4);
    const [, , , fourth] = await page.until(4, 'delivery');
    expect(JSON.parse(fourth!.data)).toMatchObject({ id: '4', eventId: 'evt_4' });
    expect(page.messages.map((m) => m.event)).toEqual(['delivery', 'delivery', 'delivery', 'delivery']);
  });

  it('tells a page that resumes from before what memory still holds to reload, and one that can resume what it missed', async () => {
    const { store, add, connect } = await setup(4);
    const page = await connect();
    add(1);
    add(2);
    const [seen] = await page.until(1, 'delivery');
    page.close();
    add(3);
    const resumed = await connect(seen!.id);
    expect((await resumed.until(2, 'delivery')).map((m) => JSON.parse(m.data).eventId)).toEqual(['evt_2', 'evt_3']);
    store.oldest = 3; // 1 and 2 have left memory: a page that saw only 1 would miss 2
    const late = await connect(seen!.id);
    await late.until(1, 'reset');
    expect(late.messages.filter((m) => m.event === 'delivery')).toEqual([]);
  });

  it('sends a flood of new rows as one frame with their count, and rows one by one again once it is over', async () => {
    const { add, connect } = await setup(50, 3);
    const page = await connect();
    for (let n = 1; n <= 10; n++) add(n); // one flush: ten new rows, more than three
    const [flood] = await page.until(1, 'flood');
    expect(JSON.parse(flood!.data)).toEqual({ deliveries: 10 });
    add(11);
    add(12);
    const rows = await page.until(2, 'delivery');
    expect(rows.map((m) => JSON.parse(m.data).eventId)).toEqual(['evt_11', 'evt_12']);
    expect(page.messages.map((m) => m.event)).toEqual(['flood', 'delivery', 'delivery']);
    // The flood's id is a place to resume from, like any other.
    const resumed = await connect(flood!.id);
    expect((await resumed.until(2, 'delivery')).map((m) => JSON.parse(m.data).eventId)).toEqual(['evt_11', 'evt_12']);
  });
});
