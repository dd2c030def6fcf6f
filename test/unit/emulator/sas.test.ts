import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { putTokenProblem } from '../../../src/emulator/sas.js';

const KEY = { name: 'RootManageSharedAccessKey', key: 'a2V5LWZvci1zYXMtdGVzdHM=' };
const NOW = 1_790_000_000;
const AUDIENCE = encodeURIComponent('sb://127.0.0.1:5672/orders');

/** A token built as Azure documents it: sig = base64(HMAC-SHA256(key, `${sr}\n${se}`)), each part URL-encoded. */
function token(opts: { key?: string; name?: string; se?: number; sr?: string } = {}): string {
  const sr = opts.sr ?? AUDIENCE;
  const se = String(opts.se ?? NOW + 3600);
  const sig = createHmac('sha256', opts.key ?? KEY.key).update(`${sr}\n${se}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${se}&skn=${encodeURIComponent(opts.name ?? KEY.name)}`;
}
const put = (body: unknown, type = 'servicebus.windows.net:sastoken') =>
  putTokenProblem({ application_properties: { operation: 'put-token', type, name: 'sb://127.0.0.1:5672/orders' }, body }, KEY, NOW);

describe('putTokenProblem', () => {
  it('accepts a token signed with the key and its name, before it expires', () => {
    expect(put(token())).toBeNull();
  });

  it('says why a token does not authorise', () => {
    expect(put(token({ key: 'other' }))).toBe('the token has an invalid signature');
    expect(put(token({ name: 'other' }))).toBe('unknown shared access key name "other"');
    expect(put(token({ se: NOW - 1 }))).toBe('the token has expired');
    expect(put(token().replace(/&skn=[^&]*/, ''))).toBe('the token lacks one of sr, sig, se, skn');
    expect(put('Bearer abc')).toBe('the token is not a SharedAccessSignature');
    expect(put(42)).toBe('the token is not a SharedAccessSignature');
    expect(put('eyJ0eXAiOiJKV1QifQ.e30.sig', 'jwt')).toBe('only shared access signature tokens are accepted (got jwt)');
  });

  it('checks the signature over the audience as sent, so a token moved to another entity fails', () => {
    const moved = token().replace(`sr=${AUDIENCE}`, `sr=${encodeURIComponent('sb://127.0.0.1:5672/payments')}`);
    expect(put(moved)).toBe('the token has an invalid signature');
  });
});
