import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { runCli } from '../support/run-cli.js';
import { startStripeServer, type StripeServer } from '../support/stripe-server.js';

const KEY = 'sk_test_doctor000000000000000wxyz';
const SECRET = 'whsec_doctorsecret00000000000000';
let stripe: StripeServer;
let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  stripe = await startStripeServer({ keys: [KEY] });
  emulator = await startEmulator({ port: 0, config: { queues: [{ name: 'orders' }] } });
  dir = mkdtempSync(join(tmpdir(), 'switchyard-doctor-'));
});
afterAll(async () => {
  await stripe.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

interface DoctorDoc {
  ok: boolean;
  settings: { name: string; env: string; value: string | null; source: string | null }[];
  checks: { name: string; status: string; detail: string }[];
}
const env = () => ({
  STRIPE_API_KEY: KEY,
  STRIPE_API_BASE: stripe.url,
  SWITCHYARD_WEBHOOK_SECRET: SECRET,
  SERVICEBUS_CONNECTION_STRING: emulator.connectionString,
  SERVICEBUS_MANAGEMENT_PORT: String(emulator.managementPort),
});
const status = (doc: DoctorDoc) => Object.fromEntries(doc.checks.map((c) => [c.name, c.status]));

describe('switchyard doctor', () => {
  it('shows each setting with its source and masked value, and passes when everything answers', async () => {
    const result = await runCli(['doctor', '--json', '--entity', 'orders'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as DoctorDoc;
    expect(doc.ok).toBe(true);
    expect(doc.settings.find((s) => s.name === 'stripeApiKey')).toEqual({ name: 'stripeApiKey', env: 'STRIPE_API_KEY', value: 'sk_test_…wxyz', source: 'environment STRIPE_API_KEY' });
    expect(doc.settings.find((s) => s.name === 'stripeApiBase')?.value).toBe(stripe.url);
    expect(status(doc)).toEqual({ node: 'ok', 'stripe key': 'ok', 'stripe api': 'ok', 'webhook secret': 'ok', 'entity orders': 'ok' });
    expect(result.stdout).not.toContain(KEY);
    expect(result.stdout).not.toContain(SECRET);
  });

  it('names the config file and profile a setting came from', async () => {
    const config = join(dir, 'switchyard.config.json');
    writeFileSync(config, JSON.stringify({ profiles: { ci: { stripeApiBase: stripe.url, stripeApiKey: KEY } } }));
    const result = await runCli(['doctor', '--profile', 'ci'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`STRIPE_API_KEY\tsk_test_…wxyz\tprofile ci in ${config}`);
    expect(result.stdout).toMatch(/✔ stripe api +answered/);
  });

  it('exits 1 when the Stripe API refuses the key or an entity does not exist', async () => {
    const result = await runCli(['doctor', '--json', '--entity', 'orders', '--entity', 'missing-queue'], {
      env: { ...env(), STRIPE_API_KEY: 'sk_test_revoked000000000000000000' },
    });
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as DoctorDoc;
    expect(status(doc)).toMatchObject({ 'stripe api': 'fail', 'entity orders': 'ok', 'entity missing-queue': 'fail' });
    expect(doc.checks.find((c) => c.name === 'entity missing-queue')?.detail).toContain('does not exist');
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'check_failed', message: '2 doctor checks failed: stripe api, entity missing-queue' } });
  });

  it('checks entities through the management API without creating them, even on an emulator that creates on use', async () => {
    const open = await startEmulator({ port: 0 });
    try {
      const sb = { SERVICEBUS_CONNECTION_STRING: open.connectionString, SERVICEBUS_MANAGEMENT_PORT: String(open.managementPort) };
      const plain = await runCli(['doctor', '--json'], { env: sb });
      expect(plain.code, plain.stderr).toBe(0);
      expect((JSON.parse(plain.stdout) as DoctorDoc).checks.find((c) => c.name === 'entity switchyard-smoke')).toMatchObject({
        status: 'warn',
        detail: expect.stringContaining('the smoke queue does not exist yet'),
      });
      const named = await runCli(['doctor', '--json', '--entity', 'ghost', '--entity', 'events/subscriptions/x'], { env: sb });
      expect(named.code).toBe(1);
      expect(status(JSON.parse(named.stdout) as DoctorDoc)).toMatchObject({ 'entity ghost': 'fail', 'entity events/subscriptions/x': 'fail' });
      expect(open.entityCounts('switchyard-smoke')).toBeUndefined();
      expect(open.entityCounts('ghost')).toBeUndefined();
      expect(open.entityCounts('events/subscriptions/x')).toBeUndefined();

      const wrongPort = await runCli(['doctor', '--json', '--entity', 'ghost', '--management-port', '1'], { env: sb });
      expect(wrongPort.code).toBe(1);
      expect((JSON.parse(wrongPort.stdout) as DoctorDoc).checks.find((c) => c.name === 'entity ghost')?.detail).toContain('SERVICEBUS_MANAGEMENT_PORT');
      expect(open.entityCounts('ghost')).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('does not send a live key to the API, and warns about a secret that does not fit its provider', async () => {
    stripe.reset();
    const result = await runCli(['doctor', '--json', '--provider', 'github'], {
      env: { STRIPE_API_KEY: 'sk_live_realmoney000000000000abcd', STRIPE_API_BASE: stripe.url, SWITCHYARD_WEBHOOK_SECRET: SECRET },
    });
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as DoctorDoc;
    expect(status(doc)).toMatchObject({ 'stripe key': 'warn', 'webhook secret': 'warn', 'service bus': 'skip' });
    expect(stripe.requests).toHaveLength(0);
  });

  it('reports an invalid setting with where it came from', async () => {
    const result = await runCli(['doctor'], { env: { STRIPE_API_KEY: 'pk_test_publishablekey00000000' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✘ stripe key +invalid STRIPE_API_KEY .* \(from environment STRIPE_API_KEY\)/);
  });
});
