import { describe, expect, it } from 'vitest';
import { githubScheme } from '../../../../src/adapters/webhooks/github.js';
import { BODIES, NOW, opensslHmac } from './reference.js';

const SECRET = 'It’s a Secret to Everybody';
const ref = (body: Buffer, secret = SECRET) => 'sha256=' + opensslHmac(secret, body).toString('hex');
const verify = (headers: Record<string, string>, body: Buffer) =>
  githubScheme.verify({ body, headers, secret: SECRET, nowSec: NOW, toleranceSec: 300 });

describe('github scheme', () => {
  for (const [name, body] of Object.entries(BODIES)) {
    it(`signs and verifies a ${name} body as openssl computes it (non-ASCII secret as UTF-8)`, () => {
      expect(githubScheme.sign({ body, secret: SECRET, timestampSec: NOW }).headers).toEqual({ 'x-hub-signature-256': ref(body) });
      expect(verify({ 'x-hub-signature-256': ref(body) }, body)).toMatchObject({ valid: true, reason: null });
    });
  }

  it('ignores the time: GitHub signatures carry no timestamp', () => {
    const body = BODIES.json!;
    const outcome = githubScheme.verify({ body, headers: { 'x-hub-signature-256': ref(body) }, secret: SECRET, nowSec: 0, toleranceSec: 1 });
    expect(outcome.valid).toBe(true);
  });

  it('rejects a body changed by one byte', () => {
    const body = BODIES.json!;
    const outcome = verify({ 'x-hub-signature-256': ref(body) }, Buffer.concat([body, Buffer.from(' ')]));
    expect(outcome).toMatchObject({ valid: false, code: 'signature_mismatch' });
    expect(outcome.reason).toContain('cannot be told apart');
  });

  it('explains a delivery with only the legacy SHA-1 header, or none at all', () => {
    const body = BODIES.json!;
    const legacy = verify({ 'x-hub-signature': 'sha1=' + 'a'.repeat(40) }, body);
    expect(legacy).toMatchObject({ valid: false, code: 'missing_header' });
    expect(legacy.reason).toContain('legacy SHA-1');
    const unsigned = verify({ 'x-github-event': 'push' }, body);
    expect(unsigned.reason).toContain('only when the webhook has a secret');
  });

  it('rejects a header without the sha256= prefix', () => {
    const body = BODIES.json!;
    expect(verify({ 'x-hub-signature-256': ref(body).slice(7) }, body)).toMatchObject({ valid: false, code: 'malformed_header' });
  });
});
