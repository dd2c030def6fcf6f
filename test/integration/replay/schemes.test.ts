import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { verifyKey } from 'discord-interactions';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrivateKey } from '../../../src/adapters/webhooks/keys.js';
import { catalogFor } from '../../../src/adapters/webhooks/index.js';
import { replayFixtures, type ReplayOptions } from '../../../src/replay/engine.js';
import { loadFixtures } from '../../../src/replay/load.js';
import { startPeer, type Peer } from '../listener/peer.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const peers: Peer[] = [];
afterEach(async () => {
  while (peers.length) await peers.pop()!.close();
});
async function peer(): Promise<Peer> {
  const p = await startPeer();
  peers.push(p);
  return p;
}
const options = (to: string, prepare: Partial<ReplayOptions['prepare']>): ReplayOptions => ({
  to, concurrency: 1, retries: 0, timeoutMs: 5000, prepare: { keepSignature: false, headers: {}, ...prepare },
});

describe('replay re-signs the new schemes for where it sends them', () => {
  it('twilio: signs the --to URL + sorted form parameters, as the receiver computes them', async () => {
    const app = await peer();
    const to = `${app.url}/sms?tenant=eu`;
    const summary = await replayFixtures(await loadFixtures([`${FIXTURES}webhooks/twilio`]), options(to, { secret: 'tw-token' }));
    expect(summary.ok).toBe(1);
    const [req] = app.requests;
    const params = new URLSearchParams(req!.body.toString('utf8'));
    const data = to + [...params.keys()].sort().map((k) => k + params.get(k)).join('');
    expect(req!.headers['x-twilio-signature']).toBe(createHmac('sha1', 'tw-token').update(data).digest('base64'));
  });

  it('twilio JSON body: sends to the --to URL with bodySHA256 added, the signature covering that URL', async () => {
    const app = await peer();
    const body = '{"sid":"SM1","status":"delivered"}';
    const fixture = { kind: 'envelope' as const, envelope: { provider: 'twilio', method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body } };
    const summary = await replayFixtures([{ file: 'twilio-json.json', fixture }], options(`${app.url}/events`, { secret: 'tw-token' }));
    expect(summary.ok).toBe(1);
    const hash = createHash('sha256').update(body).digest('hex');
    expect(app.requests[0]!.path).toBe(`/events?bodySHA256=${hash}`);
    expect(app.requests[0]!.headers['x-twilio-signature']).toBe(createHmac('sha1', 'tw-token').update(`${app.url}/events?bodySHA256=${hash}`).digest('base64'));
  });

  it('discord: re-signs with --private-key, which discord-interactions verifies with the fixture public key', async () => {
    const app = await peer();
    const privateKey = parsePrivateKey(readFileSync(`${FIXTURES}keys/discord.key`, 'utf8'));
    const summary = await replayFixtures(await loadFixtures([`${FIXTURES}webhooks/discord/application-command.json`]), options(app.url, { privateKey }));
    expect(summary.ok).toBe(1);
    const req = app.requests[0]!;
    const publicKey = readFileSync(`${FIXTURES}keys/discord.pub`, 'utf8').trim();
    expect(Math.abs(Number(req.headers['x-signature-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(await verifyKey(req.body, String(req.headers['x-signature-ed25519']), String(req.headers['x-signature-timestamp']), publicKey)).toBe(true);
  });

  it('mailgun: writes a fresh signature object into the body', async () => {
    const app = await peer();
    await replayFixtures(await loadFixtures([`${FIXTURES}webhooks/mailgun`]), options(app.url, { secret: 'mg-key' }));
    const sent = JSON.parse(app.requests[0]!.body.toString('utf8')) as { signature: { timestamp: string; token: string; signature: string }; 'event-data': { event: string } };
    expect(sent['event-data'].event).toBe('delivered');
    expect(sent.signature.signature).toBe(createHmac('sha256', 'mg-key').update(sent.signature.timestamp + sent.signature.token).digest('hex'));
  });

  it('a custom scheme named by the fixture', async () => {
    const app = await peer();
    const catalog = catalogFor({ acme: { header: 'x-acme', content: '{method} {url} {body}' } }, undefined);
    const fixture = { kind: 'envelope' as const, envelope: { provider: 'acme', method: 'POST', path: '/', headers: {}, body: '{"a":1}' } };
    await replayFixtures([{ file: 'acme.json', fixture }], options(`${app.url}/in`, { secret: 'k', catalog }));
    expect(app.requests[0]!.headers['x-acme']).toBe(createHmac('sha256', 'k').update(`POST ${app.url}/in {"a":1}`).digest('hex'));
  });
});
