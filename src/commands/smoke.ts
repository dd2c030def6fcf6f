import { Command } from 'commander';
import { createContext } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { checkOutputPath } from '../core/output-path.js';
import { parseDuration, parseList } from '../core/parse.js';
import type { Runtime } from '../core/runtime.js';
import { CHECK_NAMES, type CheckName } from '../smoke/types.js';
import { connectionSettings, withConnectionOptions, type ConnectionFlags } from './queue/options.js';
import { stripeKeySettings, withStripeKeyOptions, type StripeKeyFlags } from './stripe-options.js';

interface SmokeFlags extends ConnectionFlags, StripeKeyFlags {
  only?: string;
  require?: string;
  report?: string;
  queue: string;
  timeout: string;
  webhookUrl?: string;
  secret?: string;
}

/** `switchyard smoke`: a CI check against sandbox keys with a machine-readable report. */
export function smokeCommand(rt: Runtime): Command {
  return withConnectionOptions(withStripeKeyOptions(new Command('smoke')
    .description('check Stripe (test mode), webhook signing and Service Bus end to end, for CI')
    .option('--only <checks>', 'comma-separated: stripe,webhooks,servicebus (default all)')
    .option('--require <what>', "'all': a skipped check (its settings absent) counts as a failure")
    .option('--report <file>', 'write a JUnit XML report')
    .option('--queue <name>', 'queue for the Service Bus canary', 'switchyard-smoke')
    .option('--timeout <duration>', 'deadline for each check', '60s')
    .option('--webhook-url <url>', 'also send a signed event to this deployed endpoint and require a 2xx (SWITCHYARD_WEBHOOK_URL)')
    .option('--secret <secret>', 'webhook secret for --webhook-url (SWITCHYARD_WEBHOOK_SECRET)')))
    .addHelpText('after', '\nExit codes: 0 every check passed or was skipped, 1 a check failed, 2 bad flags or settings.')
    .action(async (flags: SmokeFlags, command: Command) => {
      const ctx = createContext(rt, command, {
        ...stripeKeySettings(flags),
        webhookSecret: flags.secret,
        webhookUrl: flags.webhookUrl,
        ...connectionSettings(flags),
      });
      const only = flags.only ? parseList(flags.only) : [...CHECK_NAMES];
      const unknown = only.filter((name) => !(CHECK_NAMES as readonly string[]).includes(name));
      if (unknown.length) throw new UsageError(`unknown check "${unknown.join(', ')}" in --only`, { hint: 'choose from stripe, webhooks, servicebus' });
      if (flags.require !== undefined && flags.require !== 'all') throw new UsageError(`invalid --require "${flags.require}"`, { hint: "the only value is 'all'" });
      const { runSmoke } = await import('../smoke/run.js');
      await runSmoke(ctx, {
        only: only as CheckName[],
        requireAll: flags.require === 'all',
        queue: flags.queue,
        timeoutMs: parseDuration(flags.timeout, '--timeout'),
        reportPath: flags.report === undefined ? undefined : checkOutputPath(flags.report, '--report', { kind: 'file', cwd: rt.cwd }),
      });
    });
}
