import { sign as nodeSign } from 'node:crypto';
import { Paddle } from '@paddle/paddle-node-sdk';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { verifyKey } from 'discord-interactions';
// SendGrid's verifier is built on starkbank-ecdsa; its signer is the independent implementation on the other side.
import ecdsa from 'starkbank-ecdsa';
import { prime256v1 } from 'starkbank-ecdsa/ellipticcurve/curve.js';
import { describe, expect, it } from 'vitest';
import { signRequest, verifyWebhook } from '../../../../src/adapters/webhooks/index.js';
import { generateKeys, parsePrivateKey, parsePublicKey } from '../../../../src/adapters/webhooks/keys.js';

const body = Buffer.from('[{"email":"zoë@example.com","event":"delivered","sg_event_id":"sg-1","timestamp":1800000000}]');
const NOW = 1_800_000_000;

describe('sendgrid against @sendgrid/eventwebhook', () => {
  const keys = generateKeys('sendgrid');
  const privateKey = parsePrivateKey(keys.privateKeyPem);
  const publicKey = parsePublicKey(keys.publicKey);

  it('what switchyard signs, SendGrid\'s verifier accepts (with the keygen public key as SendGrid shows it)', () => {
    const { headers } = signRequest({ provider: 'sendgrid', body, timestampSec: NOW, privateKey });
    const ew = new EventWebhook();
    const valid = ew.verifySignature(
      ew.convertPublicKeyToECDSA(keys.publicKey),
      body.toString('utf8'),
      headers['x-twilio-email-event-webhook-signature']!,
      headers['x-twilio-email-event-webhook-timestamp']!,
    );
    expect(valid).toBe(true);
  });

  it('what starkbank-ecdsa signs, switchyard verifies; a changed body does not', () => {
    const key = new ecdsa.PrivateKey(prime256v1);
    const ts = String(NOW);
    const sig = ecdsa.Ecdsa.sign(ts + body.toString('utf8'), key).toBase64();
    const headers = { 'x-twilio-email-event-webhook-signature': sig, 'x-twilio-email-event-webhook-timestamp': ts };
    const pub = parsePublicKey(key.publicKey().toPem());
    expect(verifyWebhook({ provider: 'auto', body, headers, secret: '', publicKey: pub, nowSec: NOW })).toEqual({ provider: 'sendgrid', valid: true, reason: null });
    const changed = Buffer.from(body.toString().replace('delivered', 'bounce'));
    expect(verifyWebhook({ provider: 'sendgrid', body: changed, headers, secret: '', publicKey: pub, nowSec: NOW }).code).toBe('signature_mismatch');
    expect(verifyWebhook({ provider: 'sendgrid', body, headers, secret: '', publicKey, nowSec: NOW }).valid).toBe(false);
  });
});

describe('discord against discord-interactions verifyKey', () => {
  const keys = generateKeys('discord');
  const privateKey = parsePrivateKey(keys.privateKeyPem);
  const interaction = Buffer.from('{"id":"1234","type":2,"data":{"name":"ping","options":[{"name":"text","value":"grüß dich"}]}}');

  it('what switchyard signs, verifyKey accepts with the hex public key keygen printed', async () => {
    const { headers } = signRequest({ provider: 'discord', body: interaction, timestampSec: NOW, privateKey });
    expect(await verifyKey(interaction, headers['x-signature-ed25519']!, headers['x-signature-timestamp']!, keys.publicKey)).toBe(true);
    expect(await verifyKey(Buffer.concat([interaction, Buffer.from(' ')]), headers['x-signature-ed25519']!, headers['x-signature-timestamp']!, keys.publicKey)).toBe(false);
  });

  it('what another Ed25519 signer makes, switchyard verifies with the same hex key', () => {
    const ts = String(NOW);
    const sig = nodeSign(null, Buffer.concat([Buffer.from(ts), interaction]), privateKey).toString('hex');
    const headers = { 'x-signature-ed25519': sig, 'x-signature-timestamp': ts };
    const publicKey = parsePublicKey(keys.publicKey);
    expect(verifyWebhook({ provider: 'auto', body: interaction, headers, secret: '', publicKey, nowSec: NOW })).toEqual({ provider: 'discord', valid: true, reason: null });
  });
});

describe('paddle against @paddle/paddle-node-sdk', () => {
  const secret = 'pdl_ntfset_01hx0example_secretkey';
  const event = Buffer.from('{"event_id":"evt_01","event_type":"transaction.completed","occurred_at":"2026-11-29T10:00:00Z","data":{"id":"txn_01","customer":"Zoë"}}');
  const paddle = new Paddle('pdl_sdbx_apikey_test');

  it('what switchyard signs now, the SDK accepts (it allows 5 s of clock difference)', async () => {
    const { headers } = signRequest({ provider: 'paddle', body: event, secret });
    expect(await paddle.webhooks.isSignatureValid(event.toString('utf8'), secret, headers['paddle-signature']!)).toBe(true);
    expect(await paddle.webhooks.isSignatureValid(event.toString('utf8'), 'pdl_ntfset_other', headers['paddle-signature']!)).toBe(false);
  });

  it('the SDK rejects a stale signature that switchyard also rejects, by how much it says', async () => {
    const { headers } = signRequest({ provider: 'paddle', body: event, secret, timestampSec: Math.floor(Date.now() / 1000) - 600 });
    expect(await paddle.webhooks.isSignatureValid(event.toString('utf8'), secret, headers['paddle-signature']!)).toBe(false);
    const r = verifyWebhook({ provider: 'auto', body: event, headers, secret });
    expect(r.code).toBe('timestamp_outside_tolerance');
    expect(r.reason).toMatch(/^timestamp is 10 min( \d+ s)? in the past/);
  });
});
