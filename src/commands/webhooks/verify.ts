import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

/** `switchyard webhooks verify <file...>`: one result per fixture, with the reason when a signature fails. */
export function verifyCommand(rt: Runtime): Command {
  return new Command('verify')
    .description('verify recorded webhooks and say why a signature fails (exit 1 if any does not verify)')
    .argument('<file...>', 'fixture envelopes (JSON with headers and body)')
    .option('--secret <secret>', 'signing secret (also SWITCHYARD_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRET)')
    .option('--provider <provider>', "stripe, github, standard, shopify, slack or auto (default: the envelope's, else auto)")
    .option('--tolerance <seconds>', 'accepted clock difference for timestamped schemes', '300')
    .option('--ignore-time', 'check only the signature, not the timestamp (for old recordings)')
    .addHelpText(
      'after',
      '\nExit codes: 0 all verified, 1 at least one did not, 2 a file could not be read or is not a fixture.\n' +
        'Example:\n  switchyard webhooks verify fixtures/webhooks/stripe/*.json --secret whsec_… --ignore-time',
    )
    .action(async (files: string[], opts: { secret?: string; provider?: string; tolerance: string; ignoreTime?: boolean }, cmd: Command) => {
      // Loaded on use, so that `--help` and the other verbs do not pay for them.
      const [{ createContext }, { runVerify }] = await Promise.all([import('../../core/context.js'), import('./run-verify.js')]);
      const ctx = createContext(rt, cmd, { webhookSecret: opts.secret });
      await runVerify(ctx, { files, provider: opts.provider, tolerance: opts.tolerance, ignoreTime: opts.ignoreTime === true });
    });
}
