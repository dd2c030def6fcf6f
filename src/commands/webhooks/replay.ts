import { Command } from 'commander';
import { collect } from '../../core/parse.js';
import type { Runtime } from '../../core/runtime.js';

const EXAMPLES = `
A directory is read in file-name order (recordings replay in arrival order); each fixture is an envelope from
\`listen --record\` or \`sign --json\`, or a bare event body. With a secret every fixture is re-signed with a fresh
timestamp; --keep-signature sends the recorded signature headers unchanged. Schemes that sign the URL (twilio,
square, hubspot) are signed for the --to URL.

Examples:
  switchyard webhooks replay ./recordings --to http://localhost:3000/webhooks --secret whsec_…
  switchyard webhooks replay fixtures/events/stripe --to http://localhost:3000/webhooks --events 'payment_intent.*' --json

Exit codes: 0 every fixture got a 2xx (or none matched), 1 at least one did not, 2 bad flag or invalid fixture,
4 the target never answered, 130 interrupted.`;

/** `switchyard webhooks replay <file|dir...> --to url`: re-send recorded or fixture webhooks, re-signed. */
export function replayCommand(rt: Runtime): Command {
  return new Command('replay')
    .description('send fixture files to a URL, re-signed with a fresh timestamp (exit 1 if any gets no 2xx)')
    .argument('<path...>', 'fixture files or directories of them')
    .requiredOption('--to <url>', 'where to send them')
    .option('--secret <secret>', 're-sign with this secret (also SWITCHYARD_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRET)')
    .option('--provider <provider>', 'scheme for bare bodies and envelopes without one: stripe (default), any other provider or custom scheme name')
    .option('--private-key <file|pem>', 're-sign discord and sendgrid fixtures with this private key')
    .option('--scheme <file.json|json>', 'a custom HMAC scheme (see the README)')
    .option('--keep-signature', 'send the recorded signature headers as they are, even with a secret')
    .option('--concurrency <n>', 'fixtures in flight at once (1 keeps their order)', '4')
    .option('--rate <n/s>', 'at most n fixtures started per second')
    .option('--retries <n>', 'further attempts on network errors, 5xx and 429 (Retry-After honoured)', '3')
    .option('--timeout <duration>', 'time the target has to answer each attempt', '30s')
    .option('--events <types>', 'only replay these event types (comma-separated, * globs)')
    .option('-H, --header <header>', "add 'Name: value' to every request (repeatable)", collect, [])
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], opts: Record<string, unknown>, cmd: Command) => {
      // Loaded on use, so that `--help` and the other verbs do not pay for it.
      const [{ createContext }, { runReplay }] = await Promise.all([import('../../core/context.js'), import('../../replay/run.js')]);
      const flags = opts as unknown as import('../../replay/run.js').ReplayFlags;
      const ctx = createContext(rt, cmd, { webhookSecret: flags.secret });
      await runReplay(ctx, paths, flags);
    });
}
