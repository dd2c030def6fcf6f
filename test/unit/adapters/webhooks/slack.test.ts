import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../../../src/adapters/webhooks/catalog.js';
import { BODIES, NOW, concat, opensslHmac } from './reference.js';

const slackScheme = BUILTIN_CATALOG.require('slack');
const SECRET = '8f7e6d5c4b3a29180f1e2d3c4b5a6978';
const ref = (t: number, body: Buffer) => 'v0=' + opensslHmac(SECRET, concat(`v0:${t}:`, body)).toString('hex');
const verify = (headers: Record<string, string>, body: Buffer, nowSec = NOW) =>
  slackScheme.verify({ body, headers, secret: SECRET, nowSec, toleranceSec: 300 });

describe('slack scheme', () => {
  const form = Buffer.from('token=x&team_id=T1&command=%2Fdeploy&text=api+%C3%BCber+alles&trigger_id=13345224609.738474920.8088930838d88f008e0');
  for (const [name, body] of Object.entries({ ...BODIES, 'form-encoded': form })) {
    it(`signs and verifies a ${name} body over v0:<timestamp>:<body>`, () => {
      expect(slackScheme.sign({ body, secret: SECRET, timestampSec: NOW }).headers).toEqual({
        'x-slack-request-timestamp': String(NOW),
        'x-slack-signature': ref(NOW, body),
      });
      const headers = { 'x-slack-request-timestamp': String(NOW), 'x-slack-signature': ref(NOW, body) };
      expect(verify(headers, body)).toMatchObject({ valid: true, timestampSec: NOW });
    });
  }

  it('rejects a stale or future request timestamp even with a correct signature', () => {
    const body = BODIES.json!;
    const t = NOW - 3 * 86_400 - 3600;
    const stale = verify({ 'x-slack-request-timestamp': String(t), 'x-slack-signature': ref(t, body) }, body);
    expect(stale.reason).toBe('timestamp is 3 d 1 h in the past, beyond the 300 s tolerance');
    const f = NOW + 45 * 60;
    const future = verify({ 'x-slack-request-timestamp': String(f), 'x-slack-signature': ref(f, body) }, body);
    expect(future.reason).toBe('timestamp is 45 min in the future, beyond the 300 s tolerance');
  });

  it('reports a missing or non-numeric timestamp header', () => {
    const body = BODIES.json!;
    expect(verify({ 'x-slack-signature': ref(NOW, body) }, body)).toMatchObject({
      code: 'missing_header',
      reason: 'no x-slack-request-timestamp header',
    });
    expect(verify({ 'x-slack-signature': ref(NOW, body), 'x-slack-request-timestamp': 'yesterday' }, body).code).toBe('malformed_header');
  });
});
