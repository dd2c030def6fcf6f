import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHttpSink } from '../../../src/adapters/http/node-http-sink.js';

/*
 * The sink hands node its headers as a flat list, which node sends as they are: Host, the URL's credentials and
 * content-length are the sink's to add, as node adds them to an object of headers.
 */

interface Seen {
  rawHeaders: string[];
  headers: IncomingMessage['headers'];
  body: string;
}
let server: Server;
let port: number;
const seen: Seen[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ rawHeaders: req.rawHeaders, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** How many times a header came on the wire (node's parsed headers would hide a repeat). */
const raw = (s: Seen, name: string) => s.rawHeaders.filter((n, i) => i % 2 === 0 && n.toLowerCase() === name).length;

async function send(url: string, headers: Record<string, string>, body = '{"a":1}'): Promise<Seen> {
  const sink = createNodeHttpSink();
  try {
    const response = await sink.send({ url, headers, body: Buffer.from(body), timeoutMs: 5000 });
    expect(response.status).toBe(200);
    return seen.at(-1)!;
  } finally {
    sink.close();
  }
}

describe('node-http-sink headers', () => {
  it('sends Host as node would, one content-length of the body, and the given headers in their order', async () => {
    const s = await send(`http://127.0.0.1:${port}/hook?x=1`, { 'content-type': 'application/json', 'x-a': '1', 'content-length': '999' });
    expect(s.headers.host).toBe(`127.0.0.1:${port}`);
    expect(s.headers['content-length']).toBe('7');
    expect(raw(s, 'content-length')).toBe(1);
    expect(s.body).toBe('{"a":1}');
    const names = s.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.indexOf('content-type')).toBeLessThan(names.indexOf('x-a'));
    expect(s.headers.connection).toBe('keep-alive');
  });

  it('keeps a Host given with the request (a --header), once', async () => {
    const s = await send(`http://127.0.0.1:${port}/`, { host: 'example.test' });
    expect(s.headers.host).toBe('example.test');
    expect(raw(s, 'host')).toBe(1);
  });

  it("turns the URL's user and password into Basic authorization, unless the request carries its own", async () => {
    const s = await send(`http://us%40er:p%3Ass@127.0.0.1:${port}/`, {});
    expect(s.headers.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    const own = await send(`http://user:pw@127.0.0.1:${port}/`, { authorization: 'Bearer t' });
    expect(own.headers.authorization).toBe('Bearer t');
    expect(raw(own, 'authorization')).toBe(1);
  });

  it('refuses a header value node would refuse, without sending anything', async () => {
    const before = seen.length;
    const sink = createNodeHttpSink();
    await expect(sink.send({ url: `http://127.0.0.1:${port}/`, headers: { 'x-bad': 'a\r\nb' }, body: Buffer.from(''), timeoutMs: 5000 })).rejects.toThrow(/Invalid character/);
    sink.close();
    expect(seen.length).toBe(before);
  });
});
