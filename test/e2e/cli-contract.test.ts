import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';

const ESC = '\u001b[';
const FIXTURE = 'fixtures/webhooks/stripe/charge.refunded.json';
const SECRET = 'whsec_switchyardFixtureTestOnly7f3a9c2e1b';

describe('the CLI contract', () => {
  it('prints help on stdout with exit 0, listing every command', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const name of ['payments', 'webhooks', 'queue', 'emulator', 'smoke', 'demo', 'doctor', 'completion']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
  });

  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('answers an unknown flag or command with exit 2 and one line on stderr only', async () => {
    for (const args of [['--no-such-flag'], ['no-such-command'], ['webhooks', 'verify', '--nope', FIXTURE]]) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: /);
    }
  });

  it('prints a group help on stderr and exits 2 when the verb is missing', async () => {
    const result = await runCli(['queue']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: switchyard queue');
  });

  it('writes errors as one JSON line on stderr under --json and leaves stdout empty', async () => {
    const result = await runCli(['--json', 'payments', 'get', 'pi_123']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: 'config', message: 'STRIPE_API_KEY is not set', hint: expect.stringContaining('--api-key') },
    });
  });

  it('uses colour only when asked: never when piped or with NO_COLOR, always with FORCE_COLOR', async () => {
    const piped = await runCli(['webhooks', 'verify', FIXTURE, '--secret', 'whsec_wrong0000000000000000']);
    expect(piped.code).toBe(1);
    expect(piped.stdout + piped.stderr).not.toContain(ESC);
    const forced = await runCli(['webhooks', 'verify', FIXTURE, '--secret', 'whsec_wrong0000000000000000'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stderr).toContain(ESC);
    const both = await runCli(['webhooks', 'verify', FIXTURE, '--secret', 'whsec_wrong0000000000000000', '--no-color'], { env: { FORCE_COLOR: '1' } });
    expect(both.stdout + both.stderr).not.toContain(ESC);
  });

  it('stops quietly when the reader closes the pipe early (| head)', async () => {
    const files = Array.from({ length: 3000 }, () => FIXTURE);
    const child = spawn(process.execPath, [BIN, 'webhooks', 'verify', ...files, '--secret', SECRET, '--ignore-time', '--json'], { env: cleanEnv() });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString('utf8'))));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({ valid: true });
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
