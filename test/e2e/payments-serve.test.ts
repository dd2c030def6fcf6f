import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';

const elsewhere = mkdtempSync(join(tmpdir(), 'switchyard-serve-'));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe('switchyard payments serve', () => {
  it('runs the local Stripe-compatible server from any directory; payments commands work against it; Ctrl-C stops it', async () => {
    const child = spawn(process.execPath, [BIN, 'payments', 'serve', '--port', '0'], { cwd: elsewhere, env: cleanEnv() });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve) => child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(d.trim())));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await runCli(['payments', 'create', '--amount', '20.00', '--currency', 'usd', '--json'], {
      cwd: elsewhere,
      env: { STRIPE_API_BASE: url, STRIPE_API_KEY: 'sk_test_anything' },
    });
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ amount: 2000, currency: 'usd', status: 'requires_payment_method' });
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(stderr).toContain(`STRIPE_API_BASE=${url}`);
  });
});
