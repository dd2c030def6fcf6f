import { describe, expect, it } from 'vitest';
import { signRequest, verifyWebhook, type Headers } from '../../../../src/adapters/webhooks/index.js';
import { concat, opensslHmac } from './reference.js';

// Vectors published by the providers, and vectors computed by the providers' own SDKs where the SDK is too big to be a
// devDependency (twilio 6.3.1: 30 MB with 54 packages; square 46.0.0: 80 MB; @hubspot/api-client 14.0.1: 56 MB).
// HMAC schemes are deterministic, so one vector checks both directions: what the SDK signs verifies here, and what
// switchyard signs is byte for byte what the SDK computes (and so accepts).

const NOW = 1_800_000_000;
const ok = (provider: string) => ({ provider, valid: true, reason: null });

function roundTrip(provider: string, body: Buffer, secret: string, expected: Headers, extra: { url?: string; timestampSec?: number; headers?: Headers } = {}) {
  const signed = signRequest({ provider, body, secret, timestampSec: extra.timestampSec ?? NOW, url: extra.url, headers: extra.headers });
  expect(signed.headers).toEqual(expected);
  const headers = { ...extra.headers, ...expected };
  expect(verifyWebhook({ provider: 'auto', body, headers, secret, url: extra.url, nowSec: extra.timestampSec ?? NOW })).toEqual(ok(provider));
}

describe('published vectors', () => {
  it('Slack (api.slack.com, verifying requests)', () => {
    const body = Buffer.from(
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    );
    roundTrip('slack', body, '8f742231b10e8888abcd99yyyzzz85a5', {
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    }, { timestampSec: 1531420618 });
  });

  it('GitHub (docs.github.com, validating webhook deliveries)', () => {
    roundTrip('github', Buffer.from('Hello, World!'), "It's a Secret to Everybody", {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    });
  });

  it('Standard Webhooks (the reference libraries\' tests)', () => {
    const signed = signRequest({ provider: 'standard', body: Buffer.from('{"test": 2432232314}'), secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', timestampSec: 1614265330, id: 'msg_p5jXN8AQM9LWM0D4loKWxJek' });
    expect(signed.headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('Twilio (the SDKs\' request validator tests): URL + sorted form parameters', () => {
    const body = Buffer.from('CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212');
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    roundTrip('twilio', body, '12345', { 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' }, { url, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  });

  it('Square (developer.squareup.com, validate notifications)', () => {
    roundTrip('square', Buffer.from('{"hello":"world"}'), 'asdf1234', { 'x-square-hmacsha256-signature': '2kRE5qRU2tR+tBGlDwMEw2avJ7QM4ikPYD/PJ3bd9Og=' }, { url: 'https://example.com/webhook' });
  });
});

describe('vectors computed by the providers\' own SDKs', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const sms = Buffer.from('To=%2B18005551212&From=%2B14158675309&Body=Gr%C3%BC%C3%9Fe+%26+more&MessageSid=SM0123456789abcdef&NumMedia=0&MediaUrl=a&MediaUrl=b&MediaUrl=a');

  it('twilio getExpectedTwilioSignature: non-ASCII values, a repeated parameter de-duplicated and sorted', () => {
    roundTrip('twilio', sms, 'tw-auth-token-0123', { 'x-twilio-signature': 'U+wFnnVcWqqx9qSXXlDpQYcx+4c=' }, { url: 'https://example.com/sms/inbound?tenant=eu', headers: form });
  });

  it('twilio validateRequest accepts the URL with its default port written out; so does switchyard', () => {
    const headers = { ...form, 'x-twilio-signature': 'U+wFnnVcWqqx9qSXXlDpQYcx+4c=' };
    expect(verifyWebhook({ provider: 'twilio', body: sms, headers, secret: 'tw-auth-token-0123', url: 'https://example.com:443/sms/inbound?tenant=eu' })).toEqual(ok('twilio'));
  });

  it('twilio HMAC_SHA256 named by X-Twilio-Webhooks-Signature-Settings', () => {
    const settings = { ...form, 'x-twilio-webhooks-signature-settings': 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA256' };
    roundTrip('twilio', sms, 'tw-shared-key', { 'x-twilio-signature': 'JoqV3qI5IkH2UIN1OawUxQm2cWpIGuDKT55AnzY2PsI=' }, { url: 'https://example.com/sms/inbound?tenant=eu', headers: settings });
  });

  it('twilio JSON body: bodySHA256 in the URL, only the URL signed (validateRequestWithBody)', () => {
    const body = Buffer.from('{"event":"message.delivered","sid":"SM1","body":"Zoë"}');
    const signed = signRequest({ provider: 'twilio', body, secret: 'tw-auth-token-0123', url: 'https://example.com/events', headers: { 'content-type': 'application/json' } });
    const url = 'https://example.com/events?bodySHA256=e62f60bd416e3154991e08388cf1e906002faa22a45ccc542917c5a383b85a67';
    expect(signed).toEqual({ headers: { 'x-twilio-signature': 'E5+dgtvhlie4ezk5CUO9XXCPJHU=' }, url });
    expect(verifyWebhook({ provider: 'twilio', body, headers: signed.headers, secret: 'tw-auth-token-0123', url })).toEqual(ok('twilio'));
    const changed = verifyWebhook({ provider: 'twilio', body: Buffer.from(body.toString().replace('SM1', 'SM2')), headers: signed.headers, secret: 'tw-auth-token-0123', url });
    expect(changed.reason).toBe('the URL verifies, but its bodySHA256 is not the SHA-256 of this body: the body was changed after signing');
  });

  const batch = Buffer.from('[{"eventId":100,"subscriptionType":"contact.creation","portalId":62515,"objectId":123,"occurredAt":1800000000000}]');
  it('hubspot Signature.getSignature v1 and v2 (hex SHA-256, selected by X-HubSpot-Signature-Version)', () => {
    roundTrip('hubspot', batch, 'hs-client-secret', { 'x-hubspot-signature-version': 'v1', 'x-hubspot-signature': '2391e3650945021b482c522e84856d7573b060668ae6c8b74c6523a5bc82f2e2' }, { headers: { 'x-hubspot-signature-version': 'v1' } });
    roundTrip('hubspot', batch, 'hs-client-secret', { 'x-hubspot-signature-version': 'v2', 'x-hubspot-signature': 'e3ab3353b541a9dd387b4f8ad1b47866265cc950c33e7a47b51f7c9daa5f4ca9' }, { url: 'https://example.com/hubspot?x=1', headers: { 'x-hubspot-signature-version': 'v2' } });
  });

  it('hubspot v3: base64 HMAC of method + URL + body + timestamp in ms', () => {
    roundTrip('hubspot', batch, 'hs-client-secret', { 'x-hubspot-request-timestamp': '1800000000000', 'x-hubspot-signature-v3': '1xTBdEadDZChoGsxVO3gyiYuuNxO0sxGMhosOCe0dQs=' }, { url: 'https://example.com/hubspot?x=1' });
  });

  it('square WebhooksHelper.verifySignature', () => {
    const body = Buffer.from('{"merchant_id":"ML1","type":"payment.updated","event_id":"e-1","data":{"note":"Grüße"}}');
    roundTrip('square', body, 'sq-signature-key', { 'x-square-hmacsha256-signature': 'tc47ovIOn7oi5MXipYzq0/5G4k2ZU3nlnNqtH5YSl2o=' }, { url: 'https://example.com/square' });
  });
});

// No SDK on npm signs or verifies these (Zoom, Linear, Typeform, Intercom, Mailgun document the rule only): openssl
// computes each documented rule independently of switchyard's code.
describe('documented rules, computed by openssl', () => {
  const body = Buffer.from('{"event":"meeting.started","payload":{"object":{"topic":"Grüße"}}}');
  it('zoom: v0= hex HMAC of v0:<timestamp>:<body>', () => {
    roundTrip('zoom', body, 'zoom-secret-token', {
      'x-zm-request-timestamp': String(NOW),
      'x-zm-signature': 'v0=' + opensslHmac('zoom-secret-token', concat(`v0:${NOW}:`, body)).toString('hex'),
    });
  });

  it('typeform: sha256= base64 HMAC of the body', () => {
    roundTrip('typeform', body, 'tf-secret', { 'typeform-signature': 'sha256=' + opensslHmac('tf-secret', body).toString('base64') });
  });

  it('linear: hex HMAC of the body, whose webhookTimestamp (ms) must be within 60 s', () => {
    const linear = Buffer.from(`{"action":"create","type":"Issue","data":{"title":"Straße"},"webhookTimestamp":${NOW * 1000}}`);
    roundTrip('linear', linear, 'lin_wh_secret', { 'linear-signature': opensslHmac('lin_wh_secret', linear).toString('hex') });
    const headers = { 'linear-signature': opensslHmac('lin_wh_secret', linear).toString('hex') };
    expect(verifyWebhook({ provider: 'linear', body: linear, headers, secret: 'lin_wh_secret', nowSec: NOW + 61 }).reason).toBe('timestamp is 1 min 1 s in the past, beyond the 60 s tolerance');
    expect(verifyWebhook({ provider: 'linear', body: linear, headers, secret: 'lin_wh_secret', nowSec: NOW + 61, toleranceSec: 300 }).valid).toBe(true);
  });

  it('mailgun: hex HMAC of timestamp + token, carried in the body', () => {
    const token = 'a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0';
    const signature = opensslHmac('key-mailgun', `${NOW}${token}`).toString('hex');
    const mail = Buffer.from(JSON.stringify({ signature: { timestamp: String(NOW), token, signature }, 'event-data': { event: 'delivered', id: 'ev-1' } }));
    expect(verifyWebhook({ provider: 'auto', body: mail, headers: {}, secret: 'key-mailgun', nowSec: NOW })).toEqual(ok('mailgun'));
    const signed = signRequest({ provider: 'mailgun', body: Buffer.from('{"event-data":{"event":"delivered"}}'), secret: 'key-mailgun', timestampSec: NOW, id: token });
    expect(JSON.parse(signed.body!.toString())).toEqual({ 'event-data': { event: 'delivered' }, signature: { timestamp: String(NOW), token, signature } });
    // The word elsewhere first: in a text, in a longer key, as a key whose value is no object, in an object lacking
    // a token; the signature object after them is the one used.
    const decoys = Buffer.from(JSON.stringify({ note: 'signature: {"token": "x"}', xsignature: { timestamp: '1', token: 't', signature: 'ab' }, 'event-data': { signature: 'none', nested: { signature: { timestamp: '1' } } }, signature: { timestamp: String(NOW), token, signature } }));
    expect(verifyWebhook({ provider: 'mailgun', body: decoys, headers: {}, secret: 'key-mailgun', nowSec: NOW })).toEqual(ok('mailgun'));
    const form = Buffer.from(`timestamp=${NOW}&token=${token}&signature=${signature}&event=delivered`);
    expect(verifyWebhook({ provider: 'auto', body: form, headers: {}, secret: 'key-mailgun', nowSec: NOW })).toEqual(ok('mailgun'));
  });

  it('intercom: sha1= hex HMAC-SHA1 of the body, told from GitHub\'s legacy header by the absence of X-GitHub-Event', () => {
    const sha1 = 'sha1=' + opensslHmac('ic-client-secret', body, 'sha1').toString('hex');
    roundTrip('intercom', body, 'ic-client-secret', { 'x-hub-signature': sha1 });
  });
});

