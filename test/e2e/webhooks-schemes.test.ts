import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/adapters/webhooks/index.js';
import { send } from '../integration/listener/peer.js';
import { BIN, cleanEnv, runCli, type CliResult } from '../support/run-cli.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
/** The test-only secrets of fixtures/README.md. */
const SECRETS: Record<string, string> = {
  twilio: 'f1x7ur3a0th0t0k3n0sw1tchyard0042',
  paddle: 'pdl_ntfset_01jswitchyardfixture_k3yOnlyForTests',
  square: 'sq0wsk-switchyard-fixture-signature-key',
  zoom: 'switchyardZoomFixtureSecretToken',
  linear: 'lin_wh_switchyardFixtureTestOnly',
  hubspot: 'a1b2c3d4-switchyard-hubspot-fixture-secret',
  typeform: 'switchyard-typeform-fixture-secret',
  intercom: 'switchyard-intercom-client-secret',
  mailgun: 'key-switchyardmailgunfixturesigningkey0',
};
const PUBLIC = { discord: join(FIXTURES, 'keys/discord.pub'), sendgrid: join(FIXTURES, 'keys/sendgrid.pub') };

let dir: string;
const seen: CliResult[] = [];
const cli = async (args: string[], options: Parameters<typeof runCli>[1] = {}) => {
  const r = await runCli(args, options);
  seen.push(r);
  return r;
};
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-schemes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the shipped fixtures of the new schemes', () => {
  it('verify with the documented secrets and public keys, each as its own provider (--provider auto)', async () => {
    for (const [provider, secret] of Object.entries(SECRETS)) {
      const files = readdirSync(join(FIXTURES, 'webhooks', provider)).map((f) => join(FIXTURES, 'webhooks', provider, f));
      const r = await cli(['webhooks', 'verify', ...files, '--secret', secret, '--ignore-time', '--provider', 'auto', '--json']);
      expect(r.code, `${provider}: ${r.stdout}${r.stderr}`).toBe(0);
      for (const line of r.stdout.trim().split('\n')) expect(JSON.parse(line)).toMatchObject({ provider, valid: true, reason: null });
    }
    for (const [provider, key] of Object.entries(PUBLIC)) {
      const files = readdirSync(join(FIXTURES, 'webhooks', provider)).map((f) => join(FIXTURES, 'webhooks', provider, f));
      const r = await cli(['webhooks', 'verify', ...files, '--public-key', key, '--ignore-time']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
  });
});

describe('--url', () => {
  const twilio = join(FIXTURES, 'webhooks/twilio/message-received.json');
  it('exits 1 naming the URL that would have verified when the given one differs (http, trailing slash)', async () => {
    const r = await cli(['webhooks', 'verify', twilio, '--secret', SECRETS.twilio!, '--url', 'http://example.com/webhooks/twilio/sms/', '--json']);
    expect(r.code).toBe(1);
    const line = JSON.parse(r.stdout) as { valid: boolean; reason: string };
    expect(line.reason).toContain('it verifies as https://example.com/webhooks/twilio/sms (with https, not http, and without the trailing slash)');
  });

  it('is required to sign a URL-signing scheme: exit 2, one line', async () => {
    const body = file('sms.txt', 'From=%2B1&Body=hi');
    const r = await cli(['webhooks', 'sign', body, '--provider', 'twilio', '--secret', 's']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: twilio signs the URL it calls: pass it with --url. E.g. --url https://example.com/webhooks\n');
    const signed = await cli(['webhooks', 'sign', body, '--provider', 'twilio', '--secret', 's', '--url', 'https://example.com/sms', '--json']);
    expect(signed.code).toBe(0);
    const envelope = file('sms.json', signed.stdout);
    expect(JSON.parse(signed.stdout)).toMatchObject({ provider: 'twilio', url: 'https://example.com/sms', path: '/sms' });
    expect((await cli(['webhooks', 'verify', envelope, '--secret', 's'])).code).toBe(0);
  });

  it('rejects a value that is not a URL: exit 2', async () => {
    const r = await cli(['webhooks', 'verify', twilio, '--secret', 's', '--url', 'example.com/sms']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid --url "example.com/sms"');
  });
});

describe('webhooks keygen and the asymmetric schemes', () => {
  for (const provider of ['discord', 'sendgrid'] as const) {
    it(`${provider}: writes a 0600 key pair, never prints the private key; the pair signs and verifies end to end`, async () => {
      const out = join(dir, `keys-${provider}`);
      const r = await cli(['webhooks', 'keygen', '--provider', provider, '--out', out]);
      expect(r.code).toBe(0);
      const privatePem = readFileSync(join(out, `${provider}.key`), 'utf8');
      const publicKey = readFileSync(join(out, `${provider}.pub`), 'utf8').trim();
      expect(r.stdout.trim()).toBe(publicKey);
      expect(provider === 'discord' ? /^[0-9a-f]{64}$/.test(publicKey) : /^MFkw/.test(publicKey)).toBe(true);
      expect(statSync(join(out, `${provider}.key`)).mode & 0o777).toBe(0o600);
      expect(r.stdout + r.stderr).not.toContain(privatePem.split('\n')[1]!);

      const event = file(`${provider}-event.json`, provider === 'discord' ? '{"id":"1","type":2,"data":{"name":"hi"}}' : '[{"event":"open","email":"zoë@example.com"}]');
      const signed = await cli(['webhooks', 'sign', event, '--provider', provider, '--private-key', join(out, `${provider}.key`), '--json']);
      expect(signed.code, signed.stderr).toBe(0);
      expect(signed.stdout).not.toContain(privatePem.split('\n')[1]!);
      const envelope = file(`${provider}-signed.json`, signed.stdout);
      const ok = await cli(['webhooks', 'verify', envelope, '--public-key', join(out, `${provider}.pub`)]);
      expect(ok.code, ok.stdout).toBe(0);
      const inline = await cli(['webhooks', 'verify', envelope, '--public-key', publicKey]);
      expect(inline.code).toBe(0);
      const other = await cli(['webhooks', 'verify', envelope, '--public-key', PUBLIC[provider], '--json']);
      expect(other.code).toBe(1);
      expect(JSON.parse(other.stdout).reason).toMatch(/^the signature does not verify: either the public key is not/);

      const again = await cli(['webhooks', 'keygen', '--provider', provider, '--out', out]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already exists: keygen never overwrites a key');
      expect(readFileSync(join(out, `${provider}.key`), 'utf8')).toBe(privatePem);
    });
  }

  it('keygen refuses a provider without key pairs, sign refuses a missing --private-key, verify a missing --public-key: exit 2', async () => {
    expect((await cli(['webhooks', 'keygen', '--provider', 'twilio', '--out', dir])).code).toBe(2);
    const event = file('ping.json', '{"type":1}');
    const sign = await cli(['webhooks', 'sign', event, '--provider', 'discord']);
    expect(sign.code).toBe(2);
    expect(sign.stderr).toContain('discord signs with a private key: pass --private-key');
    const verify = await cli(['webhooks', 'verify', join(FIXTURES, 'webhooks/discord/ping.json'), '--secret', 'whsec_x', '--ignore-time']);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain("Discord signs with its private key: verify with the application's public key");
    const garbage = await cli(['webhooks', 'verify', join(FIXTURES, 'webhooks/discord/ping.json'), '--public-key', 'not-a-key']);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('--public-key is not a public key');
    const wrongType = await cli(['webhooks', 'sign', event, '--provider', 'sendgrid', '--private-key', join(dir, 'keys-discord/discord.key')]);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('the private key is an Ed25519 key, but sendgrid signs with an ECDSA P-256 key');
  });
});

describe('custom schemes', () => {
  const scheme = '{"name":"acme","header":"x-acme-signature","prefix":"sha256=","content":"{timestamp}.{body}","timestampHeader":"x-acme-timestamp"}';
  it('--scheme inline signs and verifies; the fixture names it, and verify finds it again by --scheme', async () => {
    const event = file('acme.json', '{"kind":"order.paid","id":"o_1"}');
    const signed = await cli(['webhooks', 'sign', event, '--scheme', scheme, '--secret', 'acme-secret', '--json']);
    expect(signed.code, signed.stderr).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({ provider: 'acme', headers: { 'x-acme-signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/) } });
    const envelope = file('acme-signed.json', signed.stdout);
    expect((await cli(['webhooks', 'verify', envelope, '--scheme', scheme, '--secret', 'acme-secret'])).code).toBe(0);
    expect((await cli(['webhooks', 'verify', envelope, '--scheme', scheme, '--secret', 'other'])).code).toBe(1);
    const unknown = await cli(['webhooks', 'verify', envelope, '--secret', 'acme-secret']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`unknown provider in ${envelope} "acme"`);
  });

  it('a config file names schemes that --provider finds', async () => {
    const cwd = mkdtempSync(join(dir, 'cfg-'));
    writeFileSync(join(cwd, 'switchyard.config.json'), JSON.stringify({ schemes: { inhouse: { header: 'x-inhouse-sig', algorithm: 'sha512', encoding: 'base64' } } }));
    writeFileSync(join(cwd, 'e.json'), '{"a":1}');
    const signed = await cli(['webhooks', 'sign', 'e.json', '--provider', 'inhouse', '--secret', 'k', '--json'], { cwd });
    expect(signed.code, signed.stderr).toBe(0);
    writeFileSync(join(cwd, 's.json'), signed.stdout);
    const verified = await cli(['webhooks', 'verify', 's.json', '--secret', 'k', '--json'], { cwd });
    expect(JSON.parse(verified.stdout)).toMatchObject({ provider: 'inhouse', valid: true });
  });

  it('a bad scheme is a usage error: exit 2, one line naming the field', async () => {
    const r = await cli(['webhooks', 'verify', join(FIXTURES, 'webhooks/zoom/meeting.started.json'), '--secret', 's', '--scheme', '{"header":"x","encoding":"base32"}']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: --scheme: "encoding" must be hex or base64');
  });
});

describe('webhooks listen with the new flags', () => {
  it('verifies twilio as the --public-url the provider called, exits 130 on SIGINT, and refuses bad flags with exit 2', async () => {
    const child = spawn(process.execPath, [BIN, 'webhooks', 'listen', '--port', '0', '--provider', 'twilio', '--secret', SECRETS.twilio!, '--public-url', 'https://abc.ngrok.app', '--json'], { env: cleanEnv() });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Ready line: ${err}`)), 15_000);
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        const ready = /"url":"(http:\/\/127\.0\.0\.1:\d+\/)"/.exec(err);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]!);
        }
      });
    });
    try {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const body = 'From=%2B41791234567&Body=hi&MessageSid=SM9';
      const signed = signRequest({ provider: 'twilio', body: Buffer.from(body), secret: SECRETS.twilio!, url: 'https://abc.ngrok.app/sms', headers: form });
      expect((await send(`${url}sms`, body, { ...form, ...signed.headers })).status).toBe(200);
      const http = signRequest({ provider: 'twilio', body: Buffer.from(body), secret: SECRETS.twilio!, url: 'http://abc.ngrok.app/sms', headers: form });
      const refused = await send(`${url}sms`, body, { ...form, ...http.headers });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('it verifies as http://abc.ngrok.app/sms (with http, not https)');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ provider: 'twilio', verified: true, id: 'SM9', status: 200 });
    expect(out + err).not.toContain(SECRETS.twilio);

    const badUrl = await cli(['webhooks', 'listen', '--port', '0', '--secret', 's', '--public-url', 'abc.ngrok.app']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('invalid --public-url "abc.ngrok.app"');
    const badKey = await cli(['webhooks', 'listen', '--port', '0', '--public-key', 'zz']);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('--public-key is not a public key');
  });
});

describe('secrets', () => {
  it('no secret or private key was printed by any command above', () => {
    const all = seen.map((r) => r.stdout + r.stderr).join('\n');
    for (const secret of [...Object.values(SECRETS), 'acme-secret']) expect(all).not.toContain(secret);
    expect(all).not.toContain('PRIVATE KEY');
  });
});
