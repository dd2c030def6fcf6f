import { Command } from 'commander';
import { collect } from '../../core/parse.js';
import type { Runtime } from '../../core/runtime.js';
import { connectionSettings, withConnectionOptions } from '../queue/options.js';

const EXAMPLES = `
Each request is answered at once (after verification and recording), then forwarded; the forward's status, latency
and (with --verbose) response body are printed, never sent back to the provider.
Answers: 200 accepted (also duplicates and --events skips), 400 bad signature (with the reason; 401 for Discord),
404 outside --path, 405 not POST, 413 larger than --max-body, 503 shutting down.

Examples:
  switchyard webhooks listen --secret whsec_… --forward-to http://localhost:3000/webhooks
  switchyard webhooks listen --forward-queue stripe-events      (with SERVICEBUS_CONNECTION_STRING set)
  switchyard webhooks listen --secret whsec_… --forward-to http://localhost:3000/webhooks --record ./recordings --inspect
  switchyard webhooks listen --record ./recordings --route 'payment_intent.*=http://localhost:3000/pay' \\
      --forward-to http://localhost:3000/other --events 'payment_intent.*,charge.*'
  stripe listen --forward-to localhost:4242 & switchyard webhooks listen --secret "$(stripe listen --print-secret)"
  switchyard webhooks listen --provider twilio --secret <auth token> --public-url https://abc.ngrok.app
  switchyard webhooks listen --provider discord --public-key <64 hex digits> --forward-to http://localhost:3000/i
Zoom's endpoint.url_validation and Discord's PING are answered by the listener itself once verified.

Exit codes: 130 after Ctrl-C (in-flight forwards finished, records flushed), 2 bad flag, port in use or queue not
found, 3 Service Bus refused the credentials, 4 Service Bus unreachable.`;

/** `switchyard webhooks listen`: receive, verify, record and forward webhooks on a local port. */
export function listenCommand(rt: Runtime): Command {
  return withConnectionOptions(new Command('listen')
    .description('receive webhooks locally: verify, record, and forward the exact bytes to your app')
    .option('--host <host>', 'interface to bind (other machines reach it only if you say so)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4242')
    .option('--path <path>', 'only take requests under this path', '/')
    .option('--secret <secret>', 'verify signatures with this secret (also SWITCHYARD_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRET)')
    .option('--provider <provider>', 'auto (default), a provider or a custom scheme name')
    .option('--public-url <url>', 'the URL the provider calls (behind a tunnel): twilio, square and hubspot sign it')
    .option('--public-key <file|key>', 'verify discord (hex) and sendgrid (base64) webhooks with this public key or PEM')
    .option('--scheme <file.json|json>', 'a custom HMAC scheme (see the README)')
    .option('--record <dir>', 'write each accepted event to <dir> as a fixture, in arrival order')
    .option('--forward-to <url>', 'forward accepted events to this URL')
    .option('--route <pattern=url>', "forward events whose type matches to url (repeatable, first match wins)", collect, [])
    .option('--forward-queue <name>', 'also enqueue each accepted event on this Service Bus queue or topic')
    .option('--events <types>', 'only forward and record these event types (comma-separated, * globs)')
    .option('--max-body <bytes>', 'largest body accepted (e.g. 1048576, 512kb, 1mb)', '1mb')
    .option('--timeout <duration>', 'time the target has to answer each forward', '30s')
    .option('--retries <n>', 'further attempts on network errors, 5xx and 429 (Retry-After honoured)', '3')
    .option('-H, --header <header>', "add 'Name: value' to every forward (repeatable)", collect, [])
    .option('--inspect', 'also serve the web inspector on 127.0.0.1 (its link, with a token, is printed)')
    .option('--inspect-port <port>', 'port of the inspector (0 = any free port)', '4243')
    .option('--inspect-keep <n>', 'deliveries the inspector keeps in memory (older ones are read from --record)', '1000'))
    .addHelpText('after', EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      // Loaded on use, so that `--help` and the other verbs do not pay for the listener.
      const [{ createContext }, { listenInputFromFlags }, { runListen }] = await Promise.all([
        import('../../core/context.js'),
        import('../../listener/flags.js'),
        import('../../listener/run.js'),
      ]);
      const flags = opts as unknown as import('../../listener/flags.js').ListenFlags;
      const ctx = createContext(rt, cmd, { webhookSecret: flags.secret, webhookPublicKey: flags.publicKey, ...connectionSettings(flags) });
      await runListen(ctx, listenInputFromFlags(ctx, flags));
    });
}
