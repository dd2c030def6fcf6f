import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { hasScript, onTerminal } from '../support/terminal.js';
import { startStripeServer, type StripeServer } from '../support/stripe-server.js';

const KEY = 'sk_test_51E2eTerminalKeyAbcdefghijklmnopqrstuv';
const LIVE = 'sk_live_51E2eTerminalLiveAbcdefghijklmnopqrst';

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

  it('cancels quietly on Ctrl-C at a prompt: exit 130, "cancelled", nothing sent', async () => {
    const r = await onTerminal(['payments', 'create'], [['Currency', { ctrlC: true }]], { STRIPE_API_KEY: KEY, STRIPE_API_BASE: server.url });
    expect(r.code).toBe(130);
    expect(r.output).toContain('cancelled: nothing was done');
    expect(r.output).not.toMatch(/internal error|this is a bug|error:/i);
    expect(server.requests).toHaveLength(0);
  });

  it('asks for the currency first and says so, catches an amount typed there, and shows what the amount means', async () => {
    const r = await onTerminal(
      ['payments', 'create'],
      // Two backspaces take the rejected "20" back, as a user would.
      [['Currency first', '20'], ['that is an amount', '\u007f\u007fusd'], ['Amount in USD', '20']],
      { STRIPE_API_KEY: KEY, STRIPE_API_BASE: server.url },
    );
    expect(r.output).toContain('the amount is asked next');
    // The prompt itself says how a whole number is read, and the typed value is explained as it is typed.
    expect(r.output).toContain('a whole number counts minor units: 20 = 0.20 USD');
    expect(r.output).toContain('20  = 0.20 USD');
    // Stripe's minimum refuses 0.20 USD; the error repeats what the value meant.
    expect(r.code).toBe(2);
    expect(r.output).toContain('--amount 20 = 0.20 USD (a whole number counts minor units: for 20 USD write 20.00)');
  });

  it('webhooks sign - stops at the first Ctrl-C while waiting for the body, and signs nothing', async () => {
    const r = await onTerminal(['webhooks', 'sign', '-', '--secret', 'whsec_c2VjcmV0c2VjcmV0'], [['end it with Ctrl-D', { ctrlC: true }]]);
    expect(r.code).toBe(130);
    expect(r.output).toContain('interrupted while reading stdin: nothing was done');
    expect(r.output).not.toContain('stripe-signature');
  });

  it('asks before using a live key, and sends nothing when the answer is no', async () => {
    const r = await onTerminal(['payments', 'list', '--live'], [['Use the LIVE Stripe key', 'n']], {
      STRIPE_API_KEY: LIVE, STRIPE_API_BASE: server.url,
    });
    // Declining is a cancellation (exit 130, as Ctrl-C at the same prompt), not a usage error.
    expect(r.code).toBe(130);
    expect(r.output).toContain('cancelled: nothing was sent to Stripe');
    expect(r.output).not.toContain('error:');
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
