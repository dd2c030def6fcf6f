import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SPECS } from '../../../../src/adapters/webhooks/builtin-specs.js';
import { catalogFor, signRequest, verifyWebhook } from '../../../../src/adapters/webhooks/index.js';
import { concat, opensslHmac } from './reference.js';
import { usageMessage } from '../../../support/usage-error.js';

const NOW = 1_800_000_000;
const body = Buffer.from('{"id":"ord_1","note":"Grüße"}');


describe('a custom HMAC scheme (--scheme)', () => {
  it('signs and verifies the template over id, timestamp, method, URL, another header and the body, as openssl computes it', () => {
    const scheme = {
      name: 'acme', header: 'X-Acme-Signature', algorithm: 'sha512', encoding: 'base64', prefix: 'v1=',
      content: '{id}|{timestamp}|{method}|{url}|{header:x-tenant}|{body}', timestampHeader: 'x-acme-time', idHeader: 'x-acme-id',
    };
    const catalog = catalogFor(undefined, JSON.stringify(scheme));
    const headers = { 'x-tenant': 'eu' };
    const signed = signRequest({ provider: 'acme', body, secret: 's3cret', timestampSec: NOW, id: 'd-1', url: 'https://example.com/in', headers, catalog });
    const expected = 'v1=' + opensslHmac('s3cret', concat(`d-1|${NOW}|POST|https://example.com/in|eu|`, body), 'sha512').toString('base64');
    expect(signed.headers).toEqual({ 'x-acme-id': 'd-1', 'x-acme-time': String(NOW), 'x-acme-signature': expected });
    const all = { ...headers, ...signed.headers };
    expect(verifyWebhook({ provider: 'auto', body, headers: all, secret: 's3cret', url: 'https://example.com/in', nowSec: NOW, catalog })).toEqual({ provider: 'acme', valid: true, reason: null });
    const http = verifyWebhook({ provider: 'acme', body, headers: all, secret: 's3cret', url: 'http://example.com/in', nowSec: NOW, catalog });
    expect(http).toMatchObject({ code: 'url_mismatch' });
    expect(verifyWebhook({ provider: 'acme', body, headers: { ...all, 'x-tenant': 'us' }, secret: 's3cret', url: 'https://example.com/in', nowSec: NOW, catalog }).code).toBe('signature_mismatch');
    expect(verifyWebhook({ provider: 'acme', body, headers: all, secret: 's3cret', url: 'https://example.com/in', nowSec: NOW + 301, catalog }).reason).toBe('timestamp is 5 min 1 s in the past, beyond the 300 s tolerance');
  });

  it("decodes a whsec_ secret and accepts any of several signatures; the secret's text as the key does not verify", () => {
    const catalog = catalogFor(undefined, JSON.stringify({ name: 'svixish', header: 'x-sig', encoding: 'base64', prefix: 'v1,', separator: ' ', secretEncoding: 'whsec' }));
    const secret = 'whsec_c2VjcmV0LWtleS1ieXRlcw==';
    const good = 'v1,' + opensslHmac(Buffer.from('secret-key-bytes'), body).toString('base64');
    expect(verifyWebhook({ provider: 'svixish', body, headers: { 'x-sig': `v1,bm9wZQ== ${good}` }, secret, catalog }).valid).toBe(true);
    const raw = 'v1,' + opensslHmac('secret-key-bytes', body).toString('base64');
    expect(verifyWebhook({ provider: 'svixish', body, headers: { 'x-sig': raw }, secret: 'secret-key-bytes', catalog }).valid).toBe(false);
  });

  it('reads a scheme from a file and names from the config file, which --provider finds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scheme-'));
    const file = join(dir, 'acme.json');
    writeFileSync(file, JSON.stringify({ name: 'filed', header: 'x-filed' }));
    expect(catalogFor(undefined, file).get('filed')?.provider).toBe('filed');
    const catalog = catalogFor({ inhouse: { header: 'x-inhouse-sig', prefix: 'sha256=' } }, undefined);
    const signed = signRequest({ provider: 'inhouse', body, secret: 'k', catalog });
    expect(signed.headers).toEqual({ 'x-inhouse-sig': 'sha256=' + opensslHmac('k', body).toString('hex') });
  });

  it('refuses a bad description with one line naming the field', () => {
    expect(usageMessage(() => catalogFor(undefined, '{"algorithm":"md5","header":"x"}'))).toBe('--scheme: "algorithm" must be sha1, sha256 or sha512');
    expect(usageMessage(() => catalogFor(undefined, '{"prefix":"x"}'))).toBe('--scheme: "header" (the header carrying the signature) is required');
    expect(usageMessage(() => catalogFor(undefined, '{"header":"x","content":"{timestamp}.{body}"}'))).toBe('--scheme: "content" uses {timestamp} but no "timestampHeader" or "timestampField" says where it is');
    expect(usageMessage(() => catalogFor(undefined, '{"header":"x","content":"{payload}"}'))).toBe('--scheme: unknown placeholder {payload} in "content"');
    expect(usageMessage(() => catalogFor(undefined, '{"header":"x","colour":"red"}'))).toBe('--scheme: unknown field "colour"');
    expect(usageMessage(() => catalogFor(undefined, '{header:x}'))).toMatch(/^--scheme is not valid JSON/);
    expect(usageMessage(() => catalogFor(undefined, './nope.json'))).toBe('--scheme ./nope.json: cannot read the scheme: no such file');
    expect(usageMessage(() => catalogFor({ stripe: { header: 'x' } }, undefined))).toBe('a custom scheme cannot be named "stripe": that is a built-in provider');
    expect(usageMessage(() => catalogFor({ bad: 'x' }, undefined, 'cfg.json'))).toBe('scheme "bad" in cfg.json: a scheme must be a JSON object');
  });

  it('describes the built-in HMAC schemes in the same format (each parses as a --scheme)', () => {
    for (const spec of BUILTIN_SPECS) {
      const { name, ...rest } = spec;
      const catalog = catalogFor(undefined, JSON.stringify({ ...rest, name: `my-${name}` }));
      const signed = signRequest({ provider: `my-${name}`, body: Buffer.from(`{"webhookTimestamp":${NOW * 1000}}`), secret: 'k', timestampSec: NOW, url: 'https://e.com/', catalog });
      const builtin = signRequest({ provider: name, body: Buffer.from(`{"webhookTimestamp":${NOW * 1000}}`), secret: 'k', timestampSec: NOW, url: 'https://e.com/' });
      expect(signed.headers).toEqual(builtin.headers);
    }
  });
});
