import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'switchyard-demo-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('switchyard demo', () => {
  it('runs the whole pipeline with no account or settings, says what each step proved, and cleans up', async () => {
    const result = await runCli(['demo'], { env: { TMPDIR: scratch }, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    const proved = result.stdout.split('\n').filter((l) => l.startsWith('✔ '));
    expect(proved).toHaveLength(7);
    expect(result.stdout).toContain('✔ 6 signed Stripe events were verified by the listener and forwarded to queue stripe-events');
    expect(result.stdout).toContain('3 failed twice each and the broker dead-lettered them (MaxDeliveryCountExceeded)');
    expect(result.stdout).toContain('✔ triage grouped 3 dead letters by reason: 3 × MaxDeliveryCountExceeded');
    expect(result.stdout).toMatch(/✔ resubmit moved 2 dead letters back \(only the matching ones; 1 stayed\) and the fixed consumer completed 2/);
    expect(result.stdout).toContain('✔ drain archived the last 1 dead letter to a file (1 NDJSON line');
    expect(result.stdout).toMatch(/Demo finished in [\d.]+ s/);
    // The archive and every other file the demo made are gone.
    expect(readdirSync(scratch)).toEqual([]);
    expect(result.stderr).not.toMatch(/Warning|error/);
  });
});
