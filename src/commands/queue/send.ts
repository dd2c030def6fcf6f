import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { EXIT_CODES_HELP, connectionSettings, withConnectionOptions, type ConnectionFlags } from './options.js';

interface SendFlags extends ConnectionFlags {
  file?: string;
  body?: string;
  property?: string[];
  messageId?: string;
  correlationId?: string;
  contentType?: string;
  subject?: string;
  sessionId?: string;
}

/** `switchyard queue send <queue|topic>`: send an NDJSON file (as drain writes it) or one message. */
export function sendCommand(rt: Runtime): Command {
  return withConnectionOptions(
    new Command('send')
      .description('send messages: an NDJSON file as drain writes it (lossless), or one --body')
      .argument('<queue|topic>', 'where to send (a topic delivers to its subscriptions)')
      .option('--file <file>', 'NDJSON, one message per line (- for stdin); validated completely before anything is sent')
      .option('--body <text>', 'one message: a JSON object/array is sent as JSON, anything else as the text')
      .option('--property <k=v>', 'application property (string) on every message; repeatable', collectProperty, [])
      .option('--message-id <id>', 'with --body (default: a new UUID)')
      .option('--correlation-id <id>', 'with --body')
      .option('--content-type <type>', 'with --body (default application/json for a JSON body)')
      .option('--subject <subject>', 'with --body')
      .option('--session-id <id>', 'with --body, for session-enabled entities'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard queue send orders --file orders-dlq-20261122T190000Z.ndjson\n' +
        `  switchyard queue send orders --body '{"order":42}' --subject order.created --property tenant=eu\n\n${EXIT_CODES_HELP}`,
    )
    .action(async (target: string, opts: SendFlags, cmd: Command) => {
      const [{ createContext }, { parseTarget }, { parsePair }, { runSend }] = await Promise.all([
        import('../../core/context.js'),
        import('../../adapters/queue/entity.js'),
        import('../../core/parse.js'),
        import('./run-send.js'),
      ]);
      const properties = Object.fromEntries((opts.property ?? []).map((p) => parsePair(p, '--property')));
      const input = {
        target: parseTarget(target),
        file: opts.file,
        body: opts.body,
        properties,
        messageId: opts.messageId,
        correlationId: opts.correlationId,
        contentType: opts.contentType,
        subject: opts.subject,
        sessionId: opts.sessionId,
      };
      const ctx = createContext(rt, cmd, connectionSettings(opts));
      await runSend(ctx, input);
    });
}

function collectProperty(value: string, previous: string[]): string[] {
  return [...previous, value];
}
