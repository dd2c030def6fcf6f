import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

const HELP = `
The body is signed byte for byte: CRLF, trailing newlines and non-ASCII characters are kept exactly (mailgun, which
signs inside the body, rewrites it with its signature object).
Providers: stripe, github, standard, shopify, slack, twilio, sendgrid, discord, paddle, square, zoom, linear,
hubspot, typeform, intercom, mailgun, or a custom scheme (--scheme, or named under "schemes" in the config file).
Examples:
  switchyard webhooks sign fixtures/events/stripe/charge.refunded.json --secret whsec_… --json > signed.json
  switchyard webhooks sign sms.txt --provider twilio --secret <auth token> --url https://example.com/sms
  switchyard webhooks sign ping.json --provider discord --private-key ./keys/discord.key
  switchyard webhooks sign event.json --scheme '{"header":"x-acme-signature","prefix":"sha256="}' --secret s3cret`;

/** `switchyard webhooks sign <file|->`: prints the signature headers of a body, or the signed fixture envelope. */
export function signCommand(rt: Runtime): Command {
  return new Command('sign')
    .description('sign a raw body or re-sign a fixture envelope; prints the signature headers (--json: the whole envelope)')
    .argument('<file>', "the body or fixture envelope to sign; '-' reads stdin")
    .option('--secret <secret>', 'signing secret (also SWITCHYARD_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRET)')
    .option('--provider <provider>', "a provider or custom scheme name (default: the envelope's, else stripe)")
    .option('--timestamp <unix>', 'signature time in unix seconds (default: now)')
    .option('--id <msg_id>', "message id for standard and custom schemes, token for mailgun (default: the envelope's, else a new one)")
    .option('--url <url>', 'the URL the provider calls, for twilio, square, hubspot and schemes signing {url}')
    .option('--private-key <file|pem>', 'private key for discord and sendgrid (switchyard webhooks keygen makes one)')
    .option('--scheme <file.json|json>', 'a custom HMAC scheme (see the README)')
    .addHelpText('after', HELP)
    .action(async (file: string, opts: { secret?: string; provider?: string; timestamp?: string; id?: string; url?: string; privateKey?: string; scheme?: string }, cmd: Command) => {
      // Loaded on use, so that `--help` and the other verbs do not pay for them.
      const [{ createContext }, { runSign }] = await Promise.all([import('../../core/context.js'), import('./run-sign.js')]);
      const ctx = createContext(rt, cmd, { webhookSecret: opts.secret });
      await runSign(ctx, { file, ...opts });
    });
}
