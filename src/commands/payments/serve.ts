import { Command } from 'commander';
import type { GlobalFlags } from '../../core/context.js';
import { ConfigError, InterruptedError } from '../../core/errors.js';
import { Output } from '../../core/output.js';
import { parseInteger } from '../../core/parse.js';
import type { Runtime } from '../../core/runtime.js';

const HELP = `
A Stripe-compatible PaymentIntents API for trying the payments commands without a Stripe account: in memory, on
127.0.0.1 only, taking any sk_test_/rk_test_ key. pm_card_visa succeeds, pm_card_chargeDeclined is declined,
pm_card_authenticationRequired needs 3-D Secure. It is the server the tests use; it is not Stripe.

Example:
  switchyard payments serve &
  STRIPE_API_BASE=http://127.0.0.1:12111 STRIPE_API_KEY=sk_test_anything switchyard payments create --amount 20.00 --currency usd

Exit codes: 130 after Ctrl-C, 2 bad flag or port in use.`;

/** `switchyard payments serve`: the local Stripe-compatible test server, from any directory. */
export function serveCommand(rt: Runtime): Command {
  return new Command('serve')
    .description('run a local Stripe-compatible PaymentIntents server for trying the commands (test keys only)')
    .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', '12111')
    .addHelpText('after', HELP)
    .action(async (opts: { port: string }, command: Command) => {
      const out = new Output(rt, command.optsWithGlobals<GlobalFlags>());
      const port = parseInteger(opts.port, '--port', 0, 65535);
      const { startStripeServer } = await import('../../testing/stripe-server/index.js');
      const server = await startStripeServer({ port }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') throw new ConfigError(`port ${port} on 127.0.0.1 is already in use`, { hint: 'pass --port 0 for a free port' });
        throw error;
      });
      if (out.json) out.jsonLine({ url: server.url, port: server.port });
      else out.line(server.url);
      out.info(`Ready: a Stripe-compatible test server (PaymentIntents, in memory). Use it with STRIPE_API_BASE=${server.url} and any sk_test_ key. Ctrl-C to stop.`);
      await new Promise<void>((resolve) => {
        if (rt.signal.aborted) return resolve();
        rt.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await server.close();
      throw new InterruptedError();
    });
}
