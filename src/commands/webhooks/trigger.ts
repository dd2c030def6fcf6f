import { Command } from 'commander';
import { collect } from '../../core/parse.js';
import type { Runtime } from '../../core/runtime.js';

const EXAMPLES = `
The offline counterpart of \`stripe trigger\`: no Stripe account or API call. The event is built from a built-in
template (fresh evt_/pi_/ch_ ids, created now, livemode false) and signed like Stripe signs it.

Examples:
  switchyard webhooks trigger --list
  switchyard webhooks trigger payment_intent.succeeded --to http://localhost:3000/webhooks --secret whsec_…

Exit codes: 0 the endpoint answered 2xx, 1 it answered something else, 2 unknown event type or bad flag,
4 it did not answer.`;

/** `switchyard webhooks trigger <event-type> --to url`: send a realistic signed Stripe test event. */
export function triggerCommand(rt: Runtime): Command {
  return new Command('trigger')
    .description('send a realistic, signed Stripe test event of a given type to a URL (no Stripe account needed)')
    .argument('[event-type]', 'e.g. payment_intent.succeeded (see --list)')
    .option('--to <url>', 'your webhook endpoint')
    .option('--secret <secret>', 'sign with this secret (also SWITCHYARD_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRET)')
    .option('--list', 'list the event types there are templates for')
    .option('--timeout <duration>', 'time the endpoint has to answer', '30s')
    .option('--retries <n>', 'further attempts on network errors, 5xx and 429', '0')
    .option('-H, --header <header>', "add 'Name: value' to the request (repeatable)", collect, [])
    .addHelpText('after', EXAMPLES)
    .action(async (type: string | undefined, opts: Record<string, unknown>, cmd: Command) => {
      // Loaded on use, so that `--help` and the other verbs do not pay for the templates.
      const [{ createContext }, { runTrigger }] = await Promise.all([import('../../core/context.js'), import('../../events/trigger.js')]);
      const flags = opts as unknown as import('../../events/trigger.js').TriggerFlags;
      const ctx = createContext(rt, cmd, { webhookSecret: flags.secret });
      await runTrigger(ctx, type, flags);
    });
}
