import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { runCli } from '../support/run-cli.js';
import { startStripeServer, type StripeServer } from '../support/stripe-server.js';

const KEY = 'sk_test_smoke0000000000000000wxyz';
let stripe: StripeServer;
let emulator: EmulatorHandle;
let dir: string;
const servers: Server[] = [];

beforeAll(async () => {
  stripe = await startStripeServer({ keys: [KEY] });
  emulator = await startEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'switchyard-smoke-'));
});
afterEach(async () => {
  stripe.reset();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});
afterAll(async () => {
  await stripe.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const allEnv = () => ({ STRIPE_API_KEY: KEY, STRIPE_API_BASE: stripe.url, SERVICEBUS_CONNECTION_STRING: emulator.connectionString });

interface Check {
  name: string;
  status: string;
  durationMs: number;
  reason: string | null;
}

function parseReport(stdout: string) {
  const report = JSON.parse(stdout) as { ok: boolean; checks: Check[] };
  // A check missing from the report makes the test fail on reading it.
  const byName = Object.fromEntries(report.checks.map((c) => [c.name, c])) as Record<'stripe' | 'webhooks' | 'servicebus', Check>;
  return { report, byName };
}

/** The testcases of a JUnit file, read with a strict pattern so a malformed file fails the test. */
function junitCases(xml: string) {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
  const suite = /<testsuite name="switchyard smoke" tests="(\d+)" failures="(\d+)" errors="0" skipped="(\d+)" time="[\d.]+" timestamp="[\dT:-]+">/.exec(xml);
  expect(suite).not.toBeNull();
  const cases = [...xml.matchAll(/<testcase classname="switchyard\.smoke" name="(\w+)" time="[\d.]+">\n\s+<(failure|skipped|system-out)/g)].map((m) => ({ name: m[1], kind: m[2] }));
  return { tests: Number(suite![1]), failures: Number(suite![2]), skipped: Number(suite![3]), cases };
}

/** A deployed endpoint stand-in that verifies the Stripe signature with its own HMAC code. */
async function endpoint(secret: string, status = 200): Promise<{ url: string; seen: { verified: boolean }[] }> {
  const seen: { verified: boolean }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const header = String(req.headers['stripe-signature'] ?? '');
      const t = /t=(\d+)/.exec(header)?.[1] ?? '';
      const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
      const given = Buffer.from(/v1=([0-9a-f]+)/.exec(header)?.[1] ?? '', 'hex');
      seen.push({ verified: given.length === expected.length && timingSafeEqual(given, expected) });
      res.writeHead(status).end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, seen };
}

describe('switchyard smoke', () => {
  it('passes every check against sandbox peers, writes a JUnit report and leaves the queue empty', async () => {
    const reportPath = join(dir, 'all.xml');
    const result = await runCli(['smoke', '--json', '--report', reportPath], { env: allEnv(), timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    const { report, byName } = parseReport(result.stdout);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([['stripe', 'pass'], ['webhooks', 'pass'], ['servicebus', 'pass']]);
    for (const c of report.checks) expect(c.durationMs).toBeGreaterThanOrEqual(0);
    expect(byName.servicebus.reason).toMatch(/canary switchyard-smoke-[0-9a-f-]+ sent to switchyard-smoke/);
    // One confirmed and one canceled PaymentIntent, nothing else.
    expect((stripe.intents.list({}).data as { status: string }[]).map((pi) => pi.status).sort()).toEqual(['canceled', 'succeeded']);
    expect(emulator.entityCounts('switchyard-smoke')).toMatchObject({ active: 0, deadLetter: 0 });
    const junit = junitCases(readFileSync(reportPath, 'utf8'));
    expect(junit).toMatchObject({ tests: 3, failures: 0, skipped: 0 });
    expect(junit.cases.map((c) => c.kind)).toEqual(['system-out', 'system-out', 'system-out']);
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  it('skips checks whose settings are absent, and --require all turns a skip into a failure', async () => {
    const lenient = await runCli(['smoke', '--json'], { timeoutMs: 30_000 });
    expect(lenient.code, lenient.stderr).toBe(0);
    const { byName } = parseReport(lenient.stdout);
    expect(byName.stripe).toMatchObject({ status: 'skip', reason: 'STRIPE_API_KEY is not set' });
    expect(byName.servicebus.status).toBe('skip');
    expect(byName.webhooks.status).toBe('pass');

    const reportPath = join(dir, 'strict.xml');
    const strict = await runCli(['smoke', '--require', 'all', '--report', reportPath], { timeoutMs: 30_000 });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/✘ fail {2}stripe .* required but skipped: STRIPE_API_KEY is not set/);
    expect(strict.stderr).toContain('error: 2 of 3 smoke checks failed: stripe, servicebus');
    const junit = junitCases(readFileSync(reportPath, 'utf8'));
    expect(junit).toMatchObject({ tests: 3, failures: 2, skipped: 0 });
  });

  it('fails the stripe check when the API refuses the key, and marks it in the report', async () => {
    const reportPath = join(dir, 'refused.xml');
    const result = await runCli(['smoke', '--only', 'stripe', '--json', '--report', reportPath], {
      env: { ...allEnv(), STRIPE_API_KEY: 'sk_test_revoked00000000000000000' },
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(1);
    const { report } = parseReport(result.stdout);
    expect(report).toMatchObject({ ok: false, checks: [{ name: 'stripe', status: 'fail' }] });
    // The JSON document is on stdout; the error line on stderr is JSON too.
    expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!)).toMatchObject({ error: { code: 'check_failed' } });
    expect(junitCases(readFileSync(reportPath, 'utf8')).cases).toEqual([{ name: 'stripe', kind: 'failure' }]);
  });

  it('never uses a live key, whatever the flags', async () => {
    const live = 'sk_live_realmoney0000000000000abcd';
    const result = await runCli(['smoke', '--only', 'stripe', '--json'], { env: { ...allEnv(), STRIPE_API_KEY: live }, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(parseReport(result.stdout).byName.stripe.reason).toMatch(/live key sk_live_…abcd .*smoke never runs with a live key/);
    expect(stripe.requests).toHaveLength(0);
    expect(result.stdout + result.stderr).not.toContain(live);
  });

  it('sends a signed event to the deployed endpoint and requires a 2xx', async () => {
    const secret = 'whsec_deployedendpointsecret0001';
    const good = await endpoint(secret);
    const ok = await runCli(['smoke', '--only', 'webhooks', '--webhook-url', good.url, '--secret', secret], { timeoutMs: 30_000 });
    expect(ok.code, ok.stderr).toBe(0);
    expect(good.seen).toEqual([{ verified: true }]);
    expect(ok.stdout).toMatch(new RegExp(`✔ pass {2}webhooks .*${good.url} answered 200`));

    const broken = await endpoint(secret, 500);
    const bad = await runCli(['smoke', '--only', 'webhooks', '--webhook-url', broken.url, '--secret', secret], { timeoutMs: 30_000 });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${broken.url} answered 500`);
    expect(bad.stdout + bad.stderr).not.toContain(secret);
  });

  it('fails the servicebus check quickly when the namespace is unreachable', async () => {
    const closed = 'Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true';
    const result = await runCli(['smoke', '--only', 'servicebus', '--json', '--timeout', '20s'], { env: { SERVICEBUS_CONNECTION_STRING: closed }, timeoutMs: 40_000 });
    expect(result.code).toBe(1);
    expect(parseReport(result.stdout).byName.servicebus.status).toBe('fail');
  });

  it('rejects an unknown check name with exit 2', async () => {
    const result = await runCli(['smoke', '--only', 'stripe,kafka']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown check "kafka" in --only');
  });
});
