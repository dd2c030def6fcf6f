import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

const HELP = `
Exit codes: 0 all verified, 1 at least one did not, 2 a file could not be read or is not a fixture, or a key needed
to check it was not given.
Examples:
  switchyard webhooks verify fixtures/webhooks/stripe/*.json --secret whsec_… --ignore-time
  switchyard webhooks verify sms.json --provider twilio --secret <auth token> --url https://example.com/sms
  switchyard webhooks verify interaction.json --public-key 3f1c…(64 hex digits) --ignore-time`;

/** `switchyard webhooks verify <file...>`: one result per fixture, with the reason when a signature fails. */
export function verifyCommand(rt: Runtime): Command {
  return new Command('verify')
    .description('verify recorded webhooks and say why a signature fails (exit 1 if any does not verify)')
    .argument('<file...>', 'fixture envelopes (JSON with headers and body)')
    .option('--secret <secret>', 'signing secret (also SWITCHYARD_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRET)')
    .option('--provider <provider>', "a provider or custom scheme name, or auto (default: the envelope's, else auto)")
    .option('--tolerance <seconds>', "accepted clock difference for timestamped schemes (default 300; Linear's 60)")
    .option('--ignore-time', 'check only the signature, not the timestamp (for old recordings)')
    .option('--url <url>', "the URL the provider called (twilio, square, hubspot); default: the envelope's")
    .option('--public-key <file|key>', 'public key for discord (hex) and sendgrid (base64), or a PEM (also SWITCHYARD_WEBHOOK_PUBLIC_KEY)')
    .option('--scheme <file.json|json>', 'a custom HMAC scheme (see the README)')
    .addHelpText('after', HELP)
    .action(async (files: string[], opts: { secret?: string; provider?: string; tolerance?: string; ignoreTime?: boolean; url?: string; publicKey?: string; scheme?: string }, cmd: Command) => {
      // Loaded on use, so that `--help` and the other verbs do not pay for them.
      const [{ createContext }, { runVerify }] = await Promise.all([import('../../core/context.js'), import('./run-verify.js')]);
      const ctx = createContext(rt, cmd, { webhookSecret: opts.secret, webhookPublicKey: opts.publicKey });
      await runVerify(ctx, { files, provider: opts.provider, tolerance: opts.tolerance, ignoreTime: opts.ignoreTime === true, url: opts.url, scheme: opts.scheme });
    });
}
