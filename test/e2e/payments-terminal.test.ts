import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';
import { startStripeServer, type StripeServer } from '../support/stripe-server.js';

const KEY = 'sk_test_51E2eTerminalKeyAbcdefghijklmnopqrstuv';
const LIVE = 'sk_live_51E2eTerminalLiveAbcdefghijklmnopqrst';
const hasScript = spawnSync('script', ['--version']).status === 0;

let server: StripeServer;
let dir: string;
beforeAll(async () => {
  server = await startStripeServer();
  dir = mkdtempSync(join(tmpdir(), 'switchyard-payments-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => server.reset());

interface Run { code: number | null; output: string }

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), without CI, typing each answer once its prompt shows.
 */
function onTerminal(args: string[], answers: [prompt: string, reply: string][], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...cleanEnv({ CI: undefined, TERM: 'xterm', ...env }) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const pending = [...answers];
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      const next = pending[0];
      if (next && output.includes(next[0])) {
        pending.shift();
        child.stdin.write(`${next[1]}\r`);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(!hasScript)('payments on a terminal', () => {
  it('asks for the missing amount and currency, then creates the payment', async () => {
    const r = await onTerminal(['payments', 'create'], [['Currency', 'jpy'], ['Amount in JPY', '1500']], {
      STRIPE_API_KEY: KEY, STRIPE_API_BASE: server.url,
    });
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/amount:\s+1500 JPY/);
    expect(server.intents.all()[0]).toMatchObject({ amount: 1500, currency: 'jpy' });
    expect(r.output).not.toContain(KEY);
  });

  it('asks before using a live key, and sends nothing when the answer is no', async () => {
    const r = await onTerminal(['payments', 'list', '--live'], [['Use the LIVE Stripe key', 'n']], {
      STRIPE_API_KEY: LIVE, STRIPE_API_BASE: server.url,
    });
    expect(r.code).toBe(2);
    expect(r.output).toContain('live mode was not confirmed; nothing was sent to Stripe');
    expect(server.requests).toHaveLength(0);
    expect(r.output).not.toContain(LIVE);
  });
});

describe('loading the stripe SDK', () => {
  it('happens only when a command calls the API', async () => {
    // Hooks that make loading 'stripe' fail, by require (CommonJS) or import (ESM): commands that never reach the
    // API must not notice them.
    const cjsHook = join(dir, 'block-stripe.cjs');
    writeFileSync(cjsHook, [
      "const Module = require('node:module');",
      'const load = Module._load;',
      "Module._load = function (request, ...rest) { if (request === 'stripe') throw new Error('stripe SDK was loaded'); return load.call(this, request, ...rest); };",
    ].join('\n'));
    const esmHooks = join(dir, 'hooks.mjs');
    writeFileSync(esmHooks, "export async function resolve(s, c, next) { if (s === 'stripe') throw new Error('stripe SDK was loaded'); return next(s, c); }\n");
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(esmHooks).href)});\n`);
    const run = (args: string[], key: string) =>
      runCli(args, {
        env: { NODE_OPTIONS: `--require ${cjsHook} --import ${pathToFileURL(register).href}`, STRIPE_API_KEY: key, STRIPE_API_BASE: server.url },
      });
    expect((await run(['payments', '--help'], KEY)).code).toBe(0);
    const refused = await run(['payments', 'create', '--amount', '2000', '--currency', 'usd'], LIVE);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to use the live key');
    const missing = await run(['payments', 'create', '--currency', 'usd'], KEY);
    expect(missing.stderr).toContain('missing --amount');
    const badId = await run(['payments', 'get', 'not-an-id'], KEY);
    expect(badId.stderr).toContain('invalid PaymentIntent id');
    // The control: a command that does call the API trips the hook, so the hook works.
    const calls = await run(['payments', 'list'], KEY);
    expect(calls.stderr).toContain('stripe SDK was loaded');
    expect(server.requests).toHaveLength(0);
    for (const r of [refused, missing, badId, calls]) for (const key of [KEY, LIVE]) expect(r.stdout + r.stderr).not.toContain(key);
  });
});
