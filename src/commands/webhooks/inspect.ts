import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

const EXAMPLES = `
The page lists the folder's recordings newest first, verifies each (as of its arrival time) given a secret or a public key,
and replays to --to only. The link printed carries a token; the page swaps it for a cookie. The JSON API is
described in the README ("Inspector").

Re-signing (Replay re-signed, Edit & replay) uses --secret, and for twilio, square and hubspot the URL the recording
kept (else --public-url plus its path). Discord and SendGrid sign with their own private key: their recordings are
verified with --public-key but replayed only as recorded, and the page and the API say so.

Examples:
  switchyard webhooks inspect ./recordings --to http://localhost:3000/webhooks --secret whsec_…
  switchyard webhooks inspect ./recordings --to http://localhost:3000/sms --provider twilio --secret <auth token> \\
      --public-url https://abc.ngrok.app
  switchyard webhooks inspect ./recordings --public-key ./discord.pub --scheme ./acme-scheme.json --secret s3cret

Exit codes: 130 after Ctrl-C, 2 bad flag, missing folder or port in use.`;

/** `switchyard webhooks inspect <record-dir>`: the web inspector over a recorded folder, without a listener. */
export function inspectCommand(rt: Runtime): Command {
  return new Command('inspect')
    .description('browse, verify, diff and replay recorded webhooks in a local web page')
    .argument('<record-dir>', 'a folder written by webhooks listen --record')
    .option('--to <url>', 'where replays go (the only target the page can send to)')
    .option('--secret <secret>', 'verify and re-sign with this secret (also SWITCHYARD_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRET)')
    .option('--provider <provider>', 'scheme for recordings that do not name one: auto (default), a provider or a custom scheme name')
    .option('--public-key <file|key>', 'verify discord (hex) and sendgrid (base64) recordings with this public key or PEM')
    .option('--public-url <url>', 'the URL the provider called (behind a tunnel): twilio, square and hubspot sign it; used for recordings that did not keep it')
    .option('--scheme <file.json|json>', 'a custom HMAC scheme (see the README)')
    .option('--inspect-port <port>', 'port of the inspector (0 = any free port)', '4243')
    .option('--inspect-keep <n>', 'recordings kept in memory once read', '1000')
    .option('--timeout <duration>', 'time the target has to answer a replay', '30s')
    .addHelpText('after', EXAMPLES)
    .action(async (dir: string, opts: Record<string, unknown>, cmd: Command) => {
      const [{ createContext }, { runInspect }] = await Promise.all([import('../../core/context.js'), import('../../inspector/run.js')]);
      const flags = opts as unknown as import('../../inspector/run.js').InspectFlags;
      const ctx = createContext(rt, cmd, { webhookSecret: flags.secret, webhookPublicKey: flags.publicKey });
      await runInspect(ctx, dir, flags);
    });
}
