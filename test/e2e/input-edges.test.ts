import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startStripeServer, type StripeServer } from '../support/stripe-server.js';

// Bad input as a new user gives it (issue 11 §3): each gets one clear line and the documented exit code.
const dir = mkdtempSync(join(tmpdir(), 'switchyard-input-'));
const FIXTURE = 'fixtures/webhooks/stripe/charge.refunded.json';
const SECRET = 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0';
const KEY = 'sk_test_51InputEdgesAbcdefghijklmnopqrstuvwxyz';
let requests = 0;
let sink: Server;
let sinkUrl: string;
let stripe: StripeServer;
beforeAll(async () => {
  sink = createHttpServer((req, res) => {
    requests += 1;
    req.resume().on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}/`;
  stripe = await startStripeServer();
});
afterAll(async () => {
  await new Promise((resolve) => sink.close(resolve));
  await stripe.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function oneErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0]!;
}

describe('invalid fixtures stop before anything is sent', () => {
  it('webhooks replay of a truncated JSON file: exit 2, nothing sent', async () => {
    const broken = file('broken.json', readFileSync(FIXTURE, 'utf8').slice(0, 100));
    const good = file('good.json', readFileSync(FIXTURE, 'utf8'));
    const r = await runCli(['webhooks', 'replay', good, broken, '--to', sinkUrl, '--secret', SECRET]);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toContain('broken.json: invalid fixture: not valid JSON');
    expect(requests).toBe(0);
  });

  it('an envelope with headers and provider but no body is an invalid fixture (exit 2), not a bare body', async () => {
    const envelope = file('nobody.json', JSON.stringify({ provider: 'stripe', headers: { 'stripe-signature': 't=1,v1=00' } }));
    for (const args of [['webhooks', 'verify', envelope, '--secret', SECRET], ['webhooks', 'replay', envelope, '--to', sinkUrl, '--secret', SECRET]]) {
      const r = await runCli(args);
      expect(r.code, args[1]).toBe(2);
      expect(oneErrorLine(r.stderr)).toContain('invalid fixture: the envelope has no "body"');
    }
    expect(requests).toBe(0);
  });
});

describe('Standard Webhooks secrets are strict base64', () => {
  it('webhooks sign --provider standard refuses a secret that is not base64 (exit 2)', async () => {
    const r = await runCli(['webhooks', 'sign', FIXTURE, '--provider', 'standard', '--secret', 'whsec_not base64!']);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toContain('not base64');
    expect(r.stdout).toBe('');
  });

  it('webhooks verify fails for whsec_<valid base64> with a stray character, which a lenient decoder drops', async () => {
    const signed = await runCli(['webhooks', 'sign', FIXTURE, '--provider', 'standard', '--secret', SECRET, '--json']);
    expect(signed.code).toBe(0);
    const envelope = file('standard.json', signed.stdout);
    expect((await runCli(['webhooks', 'verify', envelope, '--secret', SECRET])).code).toBe(0);
    const stray = await runCli(['webhooks', 'verify', envelope, '--secret', `${SECRET}x`, '--json']);
    expect(stray.code).toBe(1);
    expect(JSON.parse(stray.stdout)).toMatchObject({ valid: false, reason: expect.stringContaining('not base64') });
  });
});

describe('one clear line', () => {
  it('a mistyped option or command is one line with the suggestion in it', async () => {
    const option = await runCli(['--jsn']);
    expect(option.code).toBe(2);
    expect(oneErrorLine(option.stderr)).toBe("error: unknown option '--jsn' (did you mean --json?). See 'switchyard --help'");
    const command = await runCli(['webhooks', 'verfy']);
    expect(oneErrorLine(command.stderr)).toBe("error: unknown command 'verfy' (did you mean verify?). See 'switchyard webhooks --help'");
  });

  it("Node's TLS ServerName warning for an IP endpoint never reaches the output; a hint after a full stop starts upper-case", async () => {
    // A TCP server that hangs up at once: the TLS handshake to an IP address fails, as a mistyped endpoint would.
    const server = createTcpServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await runCli(['queue', 'peek', 'orders'], {
        env: { SERVICEBUS_CONNECTION_STRING: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=k;SharedAccessKey=v` },
      });
      expect(r.code).toBe(4);
      expect(r.stderr).not.toMatch(/ServerName|DeprecationWarning|DEP0123/);
      const line = oneErrorLine(r.stderr);
      for (const [, next] of line.matchAll(/\. ([a-zA-Z])/g)) expect(next).toMatch(/[A-Z]/);
    } finally {
      server.close();
    }
  });

  it('an invalid setting is named as the user gave it: the flag for a flag, the variable for the environment', async () => {
    const flag = await runCli(['payments', 'get', 'pi_123', '--api-key', 'nonsense']);
    expect(flag.code).toBe(2);
    expect(oneErrorLine(flag.stderr)).toMatch(/^error: invalid --api-key /);
    expect(flag.stderr).not.toContain('STRIPE_API_KEY');
    const env = await runCli(['payments', 'get', 'pi_123'], { env: { STRIPE_API_KEY: 'nonsense' } });
    expect(oneErrorLine(env.stderr)).toMatch(/^error: invalid STRIPE_API_KEY .*\(from environment STRIPE_API_KEY\)/);
    const base = await runCli(['payments', 'get', 'pi_123', '--api-base', 'http://127.0.0.1:9/v1'], { env: { STRIPE_API_KEY: KEY } });
    expect(oneErrorLine(base.stderr)).toMatch(/^error: invalid --api-base /);
    expect(base.stderr).not.toContain('STRIPE_API_BASE');
  });
});

describe('payments create --amount', () => {
  it('says what the value meant when Stripe refuses it: 20 = 0.20 USD', async () => {
    const r = await runCli(['payments', 'create', '--amount', '20', '--currency', 'usd'], { env: { STRIPE_API_KEY: KEY, STRIPE_API_BASE: stripe.url } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('amount: 20 = 0.20 USD (a whole number counts minor units: for 20 USD write 20.00)');
    expect(r.stderr).toMatch(/^error: .*Amount must be at least .*--amount 20 = 0\.20 USD/m);
    const ok = await runCli(['payments', 'create', '--amount', '20.00', '--currency', 'usd'], { env: { STRIPE_API_KEY: KEY, STRIPE_API_BASE: stripe.url } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('amount: 20.00 = 20.00 USD');
  });
});

describe('demo --json', () => {
  it('prints only JSON on stdout: one object per step, then {ok, seconds}', async () => {
    const r = await runCli(['demo', '--json'], { env: { TMPDIR: dir }, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const docs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(docs.slice(0, -1)).toHaveLength(7);
    for (const step of docs.slice(0, -1)) expect(step).toEqual({ commands: expect.any(Array), proved: expect.any(String) });
    expect(docs.at(-1)).toEqual({ ok: true, seconds: expect.any(Number) });
  });
});
