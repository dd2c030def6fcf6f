import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { ENTITY_HELP, EXIT_CODES_HELP, connectionSettings, withConnectionOptions, type ConnectionFlags } from './options.js';

interface ResubmitFlags extends ConnectionFlags {
  to?: string;
  max?: string;
  reason?: string;
  where?: string[];
  journal?: string;
  idleTimeout: string;
  dryRun?: boolean;
  yes?: boolean;
  newMessageId?: boolean;
  sessionId?: string;
}

/** `switchyard queue resubmit <entity>`: dead letters back to work, each completed only after its copy was accepted. */
export function resubmitCommand(rt: Runtime): Command {
  return withConnectionOptions(
    new Command('resubmit')
      .description("send an entity's dead letters back (to the entity, or --to); a dead letter is removed only after its copy was accepted")
      .argument('<entity>', ENTITY_HELP)
      .option('--to <queue|topic>', 'target (default: the queue; for a subscription, its topic)')
      .option('--max <n>', 'resubmit at most this many')
      .option('--reason <regex>', 'only dead letters whose reason matches (case-insensitive)')
      .option('--where <k=v>', 'only dead letters with this application property value; repeatable', collect, [])
      .option('--journal <file>', 'append each resubmitted sequence number and target to this file (flushed per batch)')
      .option('--idle-timeout <duration>', 'stop when no dead letter arrives for this long', '3s')
      .option('--new-message-id', 'give each copy a fresh messageId (the original is kept in the switchyard-original-message-id property); needed when the target has duplicate detection on')
      .option('--session-id <id>', 'sessionId for copies of dead letters that have none (a session-enabled target refuses them otherwise)')
      .option('--dry-run', 'only peek and report what would be resubmitted')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard queue resubmit orders --reason MaxDeliveryCount --dry-run\n' +
        '  switchyard queue resubmit orders --where tenant=eu --journal resubmit.log --yes\n' +
        '  switchyard queue resubmit events/subscriptions/billing --to billing-retry --yes\n\n' +
        'Dead letters that do not match stay where they are, but their delivery count rises by one.\n' +
        'Copies keep their sessionId; into a session-enabled target, a dead letter without one is skipped with a\n' +
        'warning naming it, unless --session-id gives it one.\n' +
        `A send failure stops the run: what was not resubmitted stays a dead letter.\n${EXIT_CODES_HELP}`,
    )
    .action(async (entity: string, opts: ResubmitFlags, cmd: Command) => {
      const [{ createContext }, { parseEntity, parseTarget }, { parseInteger, parseDuration, parsePair }, { runResubmit }] =
        await Promise.all([
          import('../../core/context.js'),
          import('../../adapters/queue/entity.js'),
          import('../../core/parse.js'),
          import('./run-resubmit.js'),
        ]);
      const input = {
        entity: parseEntity(entity, true),
        to: opts.to === undefined ? undefined : parseTarget(opts.to, '--to'),
        max: opts.max === undefined ? undefined : parseInteger(opts.max, '--max', 1),
        reason: opts.reason,
        where: (opts.where ?? []).map((w) => parsePair(w, '--where')),
        journal: opts.journal,
        idleTimeoutMs: parseDuration(opts.idleTimeout, '--idle-timeout'),
        dryRun: opts.dryRun === true,
        yes: opts.yes === true,
        newMessageId: opts.newMessageId === true,
        sessionId: opts.sessionId,
      };
      const ctx = createContext(rt, cmd, connectionSettings(opts));
      await runResubmit(ctx, input);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
