import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/run-cli.js';
import { concat, opensslHmac } from '../unit/adapters/webhooks/reference.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const SECRETS: Record<string, string> = {
  stripe: 'whsec_switchyardFixtureTestOnly7f3a9c2e1b',
  github: 'switchyard-github-fixture-secret',
  standard: 'whsec_c3dpdGNoeWFyZC1maXh0dXJlcy1vbmx5',
  shopify: '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',
  slack: '5a1f0c9e8d7b6a5f4e3d2c1b0a9f8e7d',
};
/** One shipped fixture per provider. */
const SAMPLE: Record<string, string> = {
  stripe: 'payment_intent.succeeded.json',
  github: 'push.json',
  standard: 'invoice.paid.json',
  shopify: 'orders-create.json',
  slack: 'event_callback.json',
};
const SECRET = 'whsec_e2e0secret0never0printed0abcdef';
const ANSI = /\x1b\[/;

let dir: string;
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
/** Every run's output, to check at the end that no secret was ever printed. */
const seen: CliResult[] = [];
const cli = async (args: string[], options: Parameters<typeof runCli>[1] = {}) => {
  const r = await runCli(args, options);
  seen.push(r);
  return r;
};
const jsonLines = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-webhooks-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('webhooks sign', () => {
  it('signs stdin byte for byte (CRLF, trailing newline, non-ASCII) and prints the header line', async () => {
    const body = Buffer.from('{\r\n  "name": "Zoë",\r\n  "emoji": "😀"\r\n}\r\n\n');
    const r = await cli(['webhooks', 'sign', '-', '--secret', SECRET, '--timestamp', '1700000000'], { input: body });
    expect(r.code).toBe(0);
    const expected = opensslHmac(SECRET, concat('1700000000.', body)).toString('hex');
    expect(r.stdout).toBe(`stripe-signature: t=1700000000,v1=${expected}\n`);
    expect(r.stderr).toBe('');
  });

  it('prints the whole envelope with --json, keeping the body exactly', async () => {
    const body = Buffer.from('{"type":"invoice.paid"}\n');
    const r = await cli(['webhooks', 'sign', '-', '--secret', SECRET, '--provider', 'standard', '--id', 'msg_e2e', '--timestamp', '1700000000', '--json'], {
      input: body,
    });
    expect(r.code).toBe(0);
    const env = JSON.parse(r.stdout) as { provider: string; headers: Record<string, string>; body: string };
    expect(env.provider).toBe('standard');
    expect(env.body).toBe(body.toString());
    const key = Buffer.from(SECRET.slice(6), 'base64');
    expect(env.headers['webhook-signature']).toBe(`v1,${opensslHmac(key, concat('msg_e2e.1700000000.', body)).toString('base64')}`);
    expect(env.headers['webhook-id']).toBe('msg_e2e');
  });

  it('re-signs an envelope for another provider, replacing its old signature headers', async () => {
    const stripe = await cli(['webhooks', 'sign', join(FIXTURES, 'webhooks/stripe/charge.refunded.json'), '--secret', SECRET, '--provider', 'shopify', '--json']);
    expect(stripe.code).toBe(0);
    const env = JSON.parse(stripe.stdout) as { provider: string; headers: Record<string, string>; body: string };
    expect(env.provider).toBe('shopify');
    expect(env.headers['stripe-signature']).toBeUndefined();
    expect(env.headers['user-agent']).toContain('Stripe/1.0');
    expect(env.body).toBe(readFileSync(join(FIXTURES, 'events/stripe/charge.refunded.json'), 'utf8'));
  });

  it('round-trips: a signed body verifies, for every provider', async () => {
    const body = file('rt-body.json', '{"id":"evt_rt","type":"charge.refunded","note":"Grüße\\r\\n"}\r\n');
    for (const provider of Object.keys(SECRETS)) {
      const signed = await cli(['webhooks', 'sign', body, '--provider', provider, '--json'], { env: { SWITCHYARD_WEBHOOK_SECRET: SECRET } });
      expect(signed.code).toBe(0);
      const envelope = file(`rt-${provider}.json`, signed.stdout);
      const verified = await cli(['webhooks', 'verify', envelope], { env: { STRIPE_WEBHOOK_SECRET: SECRET } });
      expect(verified.stdout).toMatch(new RegExp(`^✔ .*rt-${provider}\\.json  ${provider} +valid\\n$`));
      expect(verified.code).toBe(0);
    }
  });

  it('round-trips a binary body through base64', async () => {
    const raw = file('binary.bin', Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a]));
    const signed = await cli(['webhooks', 'sign', raw, '--secret', SECRET, '--provider', 'github', '--json']);
    const env = JSON.parse(signed.stdout) as { bodyEncoding: string; headers: Record<string, string> };
    expect(env.bodyEncoding).toBe('base64');
    expect(env.headers['x-hub-signature-256']).toBe(
      'sha256=' + opensslHmac(SECRET, Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a])).toString('hex'),
    );
    const verified = await cli(['webhooks', 'verify', file('binary.json', signed.stdout), '--secret', SECRET]);
    expect(verified.code).toBe(0);
  });

  it('exits 2 without a secret, with an empty one, for an unknown provider and an unreadable file', async () => {
    const body = file('plain.json', '{}');
    const cases: [string[], RegExp][] = [
      [['webhooks', 'sign', body], /SWITCHYARD_WEBHOOK_SECRET is not set/],
      [['webhooks', 'sign', body, '--secret', ''], /must not be empty/],
      [['webhooks', 'sign', body, '--secret', SECRET, '--provider', 'paypal'], /unknown provider "paypal".*stripe, github, standard, shopify, slack, twilio.*mailgun/],
      [['webhooks', 'sign', join(dir, 'nope.json'), '--secret', SECRET], /nope\.json: cannot read fixture: no such file/],
      [['webhooks', 'sign', body, '--secret', SECRET, '--timestamp', 'yesterday'], /invalid --timestamp/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('webhooks verify', () => {
  for (const [provider, secret] of Object.entries(SECRETS)) {
    it(`verifies the shipped ${provider} fixtures with --ignore-time`, async () => {
      const r = await cli(['webhooks', 'verify', join(FIXTURES, 'webhooks', provider, SAMPLE[provider]!), '--secret', secret, '--ignore-time', '--json']);
      expect(r.code).toBe(0);
      expect(jsonLines(r.stdout)).toEqual([expect.objectContaining({ provider, valid: true, reason: null })]);
    });
  }

  it('verifies all four Stripe fixtures at once, one line each', async () => {
    const files = ['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded', 'checkout.session.completed'].map((n) =>
      join(FIXTURES, `webhooks/stripe/${n}.json`),
    );
    const r = await cli(['webhooks', 'verify', ...files, '--ignore-time'], { env: { STRIPE_WEBHOOK_SECRET: SECRETS.stripe } });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('exits 1 for a stale fixture, says by how much, and suggests --ignore-time', async () => {
    const r = await cli(['webhooks', 'verify', join(FIXTURES, 'webhooks/slack/event_callback.json'), '--secret', SECRETS.slack!]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✘ .*event_callback\.json  slack  timestamp is \d+ d( \d+ h)? in the past, beyond the 300 s tolerance\n$/);
    expect(r.stderr).toMatch(/1 of 1 webhook did not verify.*--ignore-time/);
  });

  it('exits 1 with one parsable NDJSON line per file and nothing else on stdout', async () => {
    const unsigned = join(FIXTURES, 'events/stripe/charge.refunded.json');
    const good = join(FIXTURES, 'webhooks/stripe/charge.refunded.json');
    const r = await cli(['webhooks', 'verify', good, unsigned, '--secret', 'whsec_wrong', '--ignore-time', '--json']);
    expect(r.code).toBe(1);
    const lines = jsonLines(r.stdout);
    expect(lines).toEqual([
      { file: good, provider: 'stripe', valid: false, reason: expect.stringContaining('cannot be told apart') },
      { file: unsigned, provider: null, valid: false, reason: expect.stringMatching(/^unsigned/) },
    ]);
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'invalid_signature', message: '2 of 2 webhooks did not verify', hint: null } });
  });

  it('diagnoses a re-serialised body and a secret without its prefix', async () => {
    const env = JSON.parse(readFileSync(join(FIXTURES, 'webhooks/stripe/payment_intent.succeeded.json'), 'utf8')) as { body: string };
    const minified = file('minified.json', JSON.stringify({ ...env, body: JSON.stringify(JSON.parse(env.body)) }));
    const r = await cli(['webhooks', 'verify', minified, '--secret', SECRETS.stripe!, '--ignore-time']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the body was re-serialised after signing: the signature matches the same JSON pretty-printed with 2-space indentation');
    const prefix = await cli(['webhooks', 'verify', join(FIXTURES, 'webhooks/stripe/payment_intent.succeeded.json'), '--ignore-time'], {
      env: { SWITCHYARD_WEBHOOK_SECRET: SECRETS.stripe!.slice('whsec_'.length) },
    });
    expect(prefix.code).toBe(1);
    expect(prefix.stdout).toContain('the secret lacks its whsec_ prefix');
  });

  it('names the other provider when --provider does not match the headers', async () => {
    const r = await cli(['webhooks', 'verify', join(FIXTURES, 'webhooks/github/push.json'), '--provider', 'stripe', '--secret', SECRETS.github!]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("no stripe-signature header: the signature headers (x-hub-signature-256) are github's, and it verifies as github");
  });

  it('exits 2 with stdout empty when any file is unreadable or not a fixture, naming each', async () => {
    const good = join(FIXTURES, 'webhooks/stripe/charge.refunded.json');
    const noBody = file('no-body.json', '{"method":"POST","headers":{"stripe-signature":"t=1,v1=x"}}');
    const notJson = file('notes.txt', 'hello');
    const cases: [string[], RegExp][] = [
      [[good, join(dir, 'missing.json')], /missing\.json: cannot read fixture: no such file/],
      [[noBody, good], /no-body\.json: invalid fixture: the envelope has no "body"/],
      [[notJson], /notes\.txt: not a fixture: the file is not JSON/],
      [[noBody, notJson], /no-body\.json.*\(and 1 more bad file: .*notes\.txt\)/],
    ];
    for (const [files, message] of cases) {
      const r = await cli(['webhooks', 'verify', ...files, '--secret', SECRETS.stripe!, '--ignore-time', '--json']);
      expect(r.code, files.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      const error = JSON.parse(r.stderr) as { error: { code: string; message: string } };
      expect(error.error.code).toBe('usage');
      expect(error.error.message).toMatch(message);
    }
  });

  it('exits 2 for a missing or empty secret, an unknown provider and a bad tolerance', async () => {
    const good = join(FIXTURES, 'webhooks/stripe/charge.refunded.json');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[good], {}, /SWITCHYARD_WEBHOOK_SECRET is not set/],
      [[good, '--secret', ''], {}, /must not be empty/],
      [[good, '--provider', 'paypal'], { SWITCHYARD_WEBHOOK_SECRET: SECRET }, /unknown provider "paypal"/],
      [[good, '--tolerance', 'soon'], { SWITCHYARD_WEBHOOK_SECRET: SECRET }, /invalid --tolerance/],
    ];
    for (const [args, env, message] of cases) {
      const r = await cli(['webhooks', 'verify', ...args], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('prints no ANSI escapes with NO_COLOR, and colours with FORCE_COLOR', async () => {
    const args = ['webhooks', 'verify', join(FIXTURES, 'webhooks/shopify/orders-create.json'), '--secret', SECRETS.shopify!];
    const plain = await cli(args, { env: { NO_COLOR: '1' } });
    expect(plain.code).toBe(0);
    expect(plain.stdout + plain.stderr).not.toMatch(ANSI);
    const forced = await cli(args, { env: { FORCE_COLOR: '1' } });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(ANSI);
    const stale = await cli(['webhooks', 'verify', join(FIXTURES, 'webhooks/slack/event_callback.json'), '--secret', 'x'], { env: { NO_COLOR: '1' } });
    expect(stale.code).toBe(1);
    expect(stale.stdout + stale.stderr).not.toMatch(ANSI);
  });

  it('never prints a secret, whatever happened', () => {
    expect(seen.length).toBeGreaterThan(20);
    const secrets = [SECRET, ...Object.values(SECRETS)].filter((s) => s.length > 8);
    for (const r of seen) {
      for (const s of secrets) {
        expect(r.stdout).not.toContain(s);
        expect(r.stderr).not.toContain(s);
      }
    }
  });
});
