import { describe, expect, it } from 'vitest';
import { standardScheme } from '../../../../src/adapters/webhooks/standard.js';
import { BODIES, NOW, concat, opensslHmac } from './reference.js';

const KEY = Buffer.from('a 24-byte key for tests', 'utf8');
const SECRET = `whsec_${KEY.toString('base64')}`;
const ID = 'msg_2pWq7ZkR4tYbN8xLm3VdC6sFhJ1';
const ref = (t: number, body: Buffer, key = KEY, id = ID) => opensslHmac(key, concat(`${id}.${t}.`, body)).toString('base64');
const headers = (t: number, signature: string, brand = 'webhook') => ({
  [`${brand}-id`]: ID,
  [`${brand}-timestamp`]: String(t),
  [`${brand}-signature`]: signature,
});
const verify = (h: Record<string, string>, body: Buffer, secret = SECRET) =>
  standardScheme.verify({ body, headers: h, secret, nowSec: NOW, toleranceSec: 300 });

describe('standard webhooks scheme', () => {
  for (const [name, body] of Object.entries(BODIES)) {
    it(`signs and verifies a ${name} body over <id>.<timestamp>.<body>, keyed with the base64-decoded secret`, () => {
      expect(standardScheme.sign({ body, secret: SECRET, timestampSec: NOW, id: ID }).headers).toEqual(headers(NOW, `v1,${ref(NOW, body)}`));
      expect(verify(headers(NOW, `v1,${ref(NOW, body)}`), body).valid).toBe(true);
    });
  }

  it('keys each verification with its own secret when secrets alternate (the imported key is kept for one secret only)', () => {
    const body = BODIES.json!;
    const h = headers(NOW, `v1,${ref(NOW, body)}`);
    const other = `whsec_${Buffer.from('another key').toString('base64')}`;
    expect([SECRET, other, 'whsec_not base64!', SECRET, SECRET].map((s) => verify(h, body, s).code ?? 'valid')).toEqual([
      'valid', 'signature_mismatch', 'secret_invalid', 'valid', 'valid',
    ]);
  });

  it('accepts any one of space-separated signatures and ignores other versions', () => {
    const body = BODIES.json!;
    const good = ref(NOW, body);
    const bad = ref(NOW, body, Buffer.from('another key'));
    expect(verify(headers(NOW, `v1,${bad} v1a,${good} v1,${good}`), body).valid).toBe(true);
    const none = verify(headers(NOW, `v1,${bad} v1,${bad}`), body);
    expect(none.reason).toContain('none of the 2 v1, signatures matches');
    expect(verify(headers(NOW, `v1a,${good}`), body).code).toBe('malformed_header');
  });

  it('accepts the svix-* header names', () => {
    const body = BODIES['non-ASCII']!;
    expect(verify(headers(NOW, `v1,${ref(NOW, body)}`, 'svix'), body).valid).toBe(true);
  });

  it('accepts the secret without its whsec_ prefix (the part after it is what is decoded)', () => {
    const body = BODIES.json!;
    expect(verify(headers(NOW, `v1,${ref(NOW, body)}`), body, KEY.toString('base64')).valid).toBe(true);
  });

  it('generates a message id when none is given, and signs with it', () => {
    const body = BODIES.json!;
    const h = standardScheme.sign({ body, secret: SECRET, timestampSec: NOW }).headers;
    expect(h['webhook-id']).toMatch(/^msg_[\w-]{20,}$/);
    expect(h['webhook-signature']).toBe(`v1,${ref(NOW, body, KEY, h['webhook-id'])}`);
  });

  it('names the missing header and rejects a timestamp beyond the tolerance', () => {
    const body = BODIES.json!;
    const { 'webhook-id': _id, ...noId } = headers(NOW, `v1,${ref(NOW, body)}`);
    expect(verify(noId, body)).toMatchObject({ code: 'missing_header', reason: 'no webhook-id header' });
    const t = NOW + 600;
    expect(verify(headers(t, `v1,${ref(t, body)}`), body).reason).toBe('timestamp is 10 min in the future, beyond the 300 s tolerance');
  });
});
