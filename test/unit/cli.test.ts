import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { AuthError, CheckFailedError, UnavailableError, UsageError } from '../../src/core/errors.js';
import type { Runtime } from '../../src/core/runtime.js';
import { fakeRuntime } from '../support/fake-runtime.js';

/** A program whose one command throws what the test asks for, to exercise the one error mapping. */
function programThrowing(error: unknown) {
  return (rt: Runtime) => {
    void rt;
    const program = new Command('switchyard').option('--json').option('-v, --verbose');
    program.command('go').action(() => {
      throw error;
    });
    program.command('ok').action(() => {});
    return program;
  };
}

describe('runCli', () => {
  it.each([
    [new CheckFailedError('1 of 2 fixtures did not verify'), 1],
    [new UsageError('bad'), 2],
    [new AuthError('401 from Stripe'), 3],
    [new UnavailableError('timed out'), 4],
  ])('maps %s to its exit code with one line on stderr', async (error, code) => {
    const rt = fakeRuntime();
    expect(await runCli(['go'], rt, programThrowing(error))).toBe(code);
    expect(rt.stderr.text.trim().split('\n')).toHaveLength(1);
    expect(rt.stderr.text).toMatch(/^error: /);
    expect(rt.stdout.text).toBe('');
  });

  it('joins the message and the hint into one sentence pair', async () => {
    const rt = fakeRuntime();
    await runCli(['go'], rt, programThrowing(new UsageError('STRIPE_API_KEY is not set', { hint: 'set it or pass --api-key' })));
    expect(rt.stderr.text).toBe('error: STRIPE_API_KEY is not set. Set it or pass --api-key\n');
  });

  it('maps an unexpected error to 70 with a report hint and no stack unless --verbose', async () => {
    const rt = fakeRuntime();
    expect(await runCli(['go'], rt, programThrowing(new TypeError('x is undefined')))).toBe(70);
    expect(rt.stderr.text).toContain('internal error: x is undefined');
    expect(rt.stderr.text).toContain('please report');
    expect(rt.stderr.text).not.toMatch(/^\s+at /m);
    const verbose = fakeRuntime();
    await runCli(['go', '--verbose'], verbose, programThrowing(new TypeError('x is undefined')));
    expect(verbose.stderr.text).toMatch(/^\s+at /m);
  });

  it('writes a JSON error line on stderr and nothing on stdout under --json', async () => {
    const rt = fakeRuntime();
    expect(await runCli(['go', '--json'], rt, programThrowing(new AuthError('refused', { hint: 'check the key' })))).toBe(3);
    expect(rt.stdout.text).toBe('');
    expect(JSON.parse(rt.stderr.text)).toEqual({ error: { code: 'auth', message: 'refused', hint: 'check the key' } });
  });

  it('adds the cause and request id with --verbose only', async () => {
    const error = new UnavailableError('Stripe did not answer', { cause: new Error('ECONNRESET'), requestId: 'req_123' });
    const quiet = fakeRuntime();
    await runCli(['go'], quiet, programThrowing(error));
    expect(quiet.stderr.text).not.toContain('req_123');
    const verbose = fakeRuntime();
    await runCli(['go', '--verbose'], verbose, programThrowing(error));
    expect(verbose.stderr.text).toContain('request id: req_123');
    expect(verbose.stderr.text).toContain('cause: Error: ECONNRESET');
  });

  it('exits 2 for commander usage errors and 0 for help', async () => {
    const rt = fakeRuntime();
    expect(await runCli(['go', '--nope'], rt, programThrowing(null))).toBe(2);
    expect(rt.stderr.text).toContain("unknown option '--nope'");
    const help = fakeRuntime();
    expect(await runCli(['--help'], help, programThrowing(null))).toBe(0);
    expect(help.stdout.text).toContain('Usage: switchyard');
  });

  it('reports an interrupted run as 130', async () => {
    const rt = fakeRuntime();
    rt.abort();
    expect(await runCli(['ok'], rt, programThrowing(null))).toBe(130);
  });
});

describe('runCli with the real program', () => {
  it('treats an unknown flag of a subcommand as a usage error pointing at that command', async () => {
    const rt = fakeRuntime();
    expect(await runCli(['webhooks', 'sign', '--nope'], rt)).toBe(2);
    expect(rt.stderr.text).toBe("error: unknown option '--nope'. See 'switchyard webhooks sign --help'\n");
  });

  it('prints the group help on stderr and exits 2 when a verb is missing', async () => {
    const rt = fakeRuntime();
    expect(await runCli(['webhooks'], rt)).toBe(2);
    expect(rt.stderr.text).toContain('Usage: switchyard webhooks');
    expect(rt.stdout.text).toBe('');
  });
});
