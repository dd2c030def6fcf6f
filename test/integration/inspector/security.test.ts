import { afterEach, describe, expect, it } from 'vitest';
import { send, signedStripe } from '../listener/peer.js';
import { SECRET, startStack, type Stack } from './stack.js';

const stacks: Stack[] = [];
afterEach(async () => {
  while (stacks.length) await stacks.pop()!.close();
});

async function stack(): Promise<Stack> {
  const s = await startStack();
  stacks.push(s);
  const event = signedStripe(SECRET, 'payment_intent.succeeded', 'evt_sec1');
  await send(s.listener.url, event.body, event.headers);
  await s.app.received(1);
  return s;
}

const api = (s: Stack, path: string) => `${s.inspector.origin}${path}`;
const bearer = (s: Stack) => ({ authorization: `Bearer ${s.inspector.token}` });
const json = { 'content-type': 'application/json' };

describe('inspector security', () => {
  it('listens on loopback only', async () => {
    const s = await stack();
    expect(s.inspector.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers 403 to a Host that is not localhost, 127.0.0.1 or [::1] with its port (DNS rebinding)', async () => {
    const s = await stack();
    const port = s.inspector.port;
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`]) {
      const r = await send(api(s, `/?token=${s.inspector.token}`), '', { host }, 'GET');
      expect(r.status, host).toBe(403);
      expect(r.headers['set-cookie']).toBeUndefined();
      const list = await send(api(s, '/api/requests/http'), '', { host, ...bearer(s) }, 'GET');
      expect(list.status, host).toBe(403);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await send(api(s, '/api/requests/http'), '', { host, ...bearer(s) }, 'GET')).status, host).toBe(200);
    }
  });

  it('swaps the token in the link for an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const s = await stack();
    const r = await send(api(s, `/?token=${s.inspector.token}&verdict=failed`), '', {}, 'GET');
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/?verdict=failed');
    expect(r.headers['set-cookie']?.[0]).toMatch(/^switchyard_inspector_\d+=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const cookie = r.headers['set-cookie']![0]!.split(';')[0]!;
    const page = await send(api(s, '/'), '', { cookie }, 'GET');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // Nothing from elsewhere: every src and href is this origin's or inline data.
    for (const [, link] of page.text.matchAll(/(?:src|href)="([^"]*)"/g)) expect(link).toMatch(/^(\/|data:)/);
    expect((await send(api(s, '/?token=wrong'), '', {}, 'GET')).status).toBe(403);
    expect((await send(api(s, '/'), '', {}, 'GET')).status).toBe(401);
  });

  it('refuses the API without the token', async () => {
    const s = await stack();
    expect((await send(api(s, '/api/requests/http'), '', {}, 'GET')).status).toBe(403);
    expect((await send(api(s, '/api/requests/http'), '', { authorization: 'Bearer nope' }, 'GET')).status).toBe(403);
  });

  it('refuses a POST without the token header, even with the cookie, and sends nothing', async () => {
    const s = await stack();
    const cookie = `switchyard_inspector_${s.inspector.port}=${s.inspector.token}`;
    const r = await send(api(s, '/api/requests/http/1/replay'), '{}', { ...json, cookie }, 'POST');
    expect(r.status).toBe(403);
    expect((await send(api(s, '/api/requests/http/1'), '', { cookie }, 'DELETE')).status).toBe(403);
    expect(s.app.requests).toHaveLength(1);
  });

  it('refuses a state change from another Origin or a cross-site fetch, even with the token', async () => {
    const s = await stack();
    for (const headers of <Record<string, string>[]>[{ origin: 'http://evil.example' }, { origin: `http://127.0.0.1:${s.inspector.port + 1}` }, { 'sec-fetch-site': 'cross-site' }]) {
      const r = await send(api(s, '/api/requests/http/1/replay'), '{}', { ...json, ...bearer(s), ...headers }, 'POST');
      expect(r.status, JSON.stringify(headers)).toBe(403);
    }
    const preflight = await send(api(s, '/api/requests/http/1/replay'), '', { origin: 'http://evil.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(s.app.requests).toHaveLength(1);
  });

  it('refuses a form post (no JSON body) even with the token', async () => {
    const s = await stack();
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      const r = await send(api(s, '/api/requests/http/1/replay'), 'mode=original', { 'content-type': type, ...bearer(s) }, 'POST');
      expect(r.status, type).toBe(415);
    }
    expect(s.app.requests).toHaveLength(1);
  });

  it('changes nothing on a GET to a state-changing route', async () => {
    const s = await stack();
    const before = await send(api(s, '/api/requests/http'), '', bearer(s), 'GET');
    for (const path of ['/api/requests/http/1/replay', '/api/requests/http/1/replay?mode=resigned', '/api/requests/http/1/delete']) {
      expect((await send(api(s, path), '', bearer(s), 'GET')).status, path).toBe(404);
    }
    const after = await send(api(s, '/api/requests/http'), '', bearer(s), 'GET');
    expect(JSON.parse(after.text).requests).toEqual(JSON.parse(before.text).requests);
    expect(s.app.requests).toHaveLength(1);
  });

  it('replays only to a configured target, never to a URL the caller supplies', async () => {
    const s = await stack();
    const r = await send(api(s, '/api/requests/http/1/replay'), JSON.stringify({ target: 'http://127.0.0.1:1/elsewhere' }), { ...json, ...bearer(s) }, 'POST');
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text).error.message).toMatch(/not a configured target/);
    expect(s.app.requests).toHaveLength(1);
    const ok = await send(api(s, '/api/requests/http/1/replay'), JSON.stringify({ target: s.target }), { ...json, ...bearer(s) }, 'POST');
    expect(ok.status).toBe(200);
    expect(s.app.requests).toHaveLength(2);
  });
});
