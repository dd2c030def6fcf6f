import { createHmac, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyKey } from 'discord-interactions';
import { afterEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../../src/adapters/webhooks/index.js';
import { watchListener, type Watched } from './helpers.js';
import { send } from './peer.js';

const open: Watched[] = [];
const dirs: string[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.listener.close(0);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function listen(options: Parameters<typeof watchListener>[0]): Promise<Watched> {
  const w = await watchListener(options);
  open.push(w);
  return w;
}

describe('listener: URL-signing schemes behind a tunnel (--public-url)', () => {
  it('verifies twilio against the public URL + request path, records that URL, and names the variant on a mismatch', async () => {
    const record = mkdtempSync(join(tmpdir(), 'listen-twilio-'));
    dirs.push(record);
    const w = await listen({ secret: 'tw-token', publicUrl: 'https://abc.ngrok.app', recordDir: record });
    const body = 'From=%2B41791234567&Body=Gr%C3%BC%C3%9Fe&MessageSid=SM1';
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const good = signRequest({ provider: 'twilio', body: Buffer.from(body), secret: 'tw-token', url: 'https://abc.ngrok.app/sms?tenant=eu', headers: form });
    expect((await send(`${w.url}sms?tenant=eu`, body, { ...form, ...good.headers })).status).toBe(200);
    const recorded = JSON.parse(readFileSync(join(record, readdirSync(record)[0]!), 'utf8')) as Record<string, unknown>;
    expect(recorded).toMatchObject({ provider: 'twilio', url: 'https://abc.ngrok.app/sms?tenant=eu', path: '/sms?tenant=eu' });

    const slash = signRequest({ provider: 'twilio', body: Buffer.from(body), secret: 'tw-token', url: 'https://abc.ngrok.app/sms/', headers: form });
    const bad = await send(`${w.url}sms`, body, { ...form, ...slash.headers });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('it verifies as https://abc.ngrok.app/sms/ (with a trailing slash)');
  });

  it('without --public-url, says the URL is needed', async () => {
    const w = await listen({ secret: 'sq-key' });
    const body = '{"type":"payment.updated","event_id":"e1"}';
    const signed = signRequest({ provider: 'square', body: Buffer.from(body), secret: 'sq-key', url: 'https://example.com/square' });
    const r = await send(w.url, body, signed.headers);
    expect(r.status).toBe(400);
    expect(r.text).toContain('Square signs the URL it called: pass it with --url (--public-url for listen)');
  });
});

describe('listener: challenges answered by the endpoint itself', () => {
  it("answers Zoom's endpoint.url_validation with the token HMAC once the request verifies", async () => {
    const w = await listen({ secret: 'zoom-token' });
    const body = '{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}';
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = 'v0=' + createHmac('sha256', 'zoom-token').update(`v0:${ts}:${body}`).digest('hex');
    const r = await send(w.url, body, { 'content-type': 'application/json', 'x-zm-request-timestamp': ts, 'x-zm-signature': sig });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: createHmac('sha256', 'zoom-token').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex') });
    const forged = await send(w.url, body, { 'content-type': 'application/json', 'x-zm-request-timestamp': ts, 'x-zm-signature': 'v0=00' });
    expect(forged.status).toBe(400);
  });

  it("answers Discord's PING with type 1 and a bad signature with 401, verifying with the public key alone", async () => {
    const pair = generateKeyPairSync('ed25519');
    const hex = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
    const w = await listen({ publicKey: pair.publicKey });
    const body = '{"application_id":"1","id":"2","token":"t","type":1,"version":1}';
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = nodeSign(null, Buffer.from(ts + body), pair.privateKey).toString('hex');
    expect(await verifyKey(body, sig, ts, hex)).toBe(true);
    const pong = await send(w.url, body, { 'content-type': 'application/json', 'x-signature-ed25519': sig, 'x-signature-timestamp': ts });
    expect(pong).toMatchObject({ status: 200 });
    expect(JSON.parse(pong.text)).toEqual({ type: 1 });
    const forged = await send(w.url, body, { 'content-type': 'application/json', 'x-signature-ed25519': '00'.repeat(64), 'x-signature-timestamp': ts });
    expect(forged.status).toBe(401);
  });
});

describe('listener: SendGrid with a public key', () => {
  it('accepts a signed batch and names its first event', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const w = await listen({ publicKey: pair.publicKey });
    const body = '[{"event":"delivered","sg_event_id":"sg-1","email":"a@example.com"}]';
    const signed = signRequest({ provider: 'sendgrid', body: Buffer.from(body), privateKey: pair.privateKey });
    expect((await send(w.url, body, { 'content-type': 'application/json', ...signed.headers })).status).toBe(200);
    const [record] = await w.events(1);
    expect(record).toMatchObject({ provider: 'sendgrid', verified: true, type: 'delivered', id: 'sg-1' });
  });
});
