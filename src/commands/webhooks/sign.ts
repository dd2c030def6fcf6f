import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

/** `switchyard webhooks sign <file|->`: prints the signature headers of a body, or the signed fixture envelope. */
export function signCommand(rt: Runtime): Command {
  return new Command('sign')
    .description('sign a raw body or re-sign a fixture envelope; prints the signature headers (--json: the whole envelope)')
    .argument('<file>', "the body or fixture envelope to sign; '-' reads stdin")
    .option('--secret <secret>', 'signing secret (also SWITCHYARD_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRET)')
    .option('--provider <provider>', "stripe, github, standard, shopify or slack (default: the envelope's, else stripe)")
    .option('--timestamp <unix>', 'signature time in unix seconds (default: now)')
    .option('--id <msg_id>', 'message id for --provider standard (default: the envelope\'s webhook-id, else a new one)')
    .addHelpText(
      'after',
      '\nThe body is signed byte for byte: CRLF, trailing newlines and non-ASCII characters are kept exactly.\n' +
        'Example:\n  switchyard webhooks sign fixtures/events/stripe/charge.refunded.json --secret whsec_… --json > signed.json',
    )
    .action(async (file: string, opts: { secret?: string; provider?: string; timestamp?: string; id?: string }, cmd: Command) => {
      // Loaded on use, so that `--help` and the other verbs do not pay for them.
      const [{ createContext }, { runSign }] = await Promise.all([import('../../core/context.js'), import('./run-sign.js')]);
      const ctx = createContext(rt, cmd, { webhookSecret: opts.secret });
      await runSign(ctx, { file, provider: opts.provider, timestamp: opts.timestamp, id: opts.id });
    });
}
