import { Command } from 'commander';
import { collect } from '../../core/parse.js';
import type { Runtime } from '../../core/runtime.js';
import { parseSessionFlag } from './session-flag.js';
import { ENTITY_HELP, EXIT_CODES_HELP, connectionSettings, withConnectionOptions, type ConnectionFlags } from './options.js';

interface PurgeFlags extends ConnectionFlags {
  dlq?: boolean;
  session?: string;
  olderThan?: string;
  reason?: string;
  where?: string[];
  max?: string;
  idleTimeout: string;
  dryRun?: boolean;
  yes?: boolean;
}

/** `switchyard queue purge <entity>`: delete messages for good, all of them or those the filters match. */
export function purgeCommand(rt: Runtime): Command {
  return withConnectionOptions(
    new Command('purge')
      .description('delete messages from an entity (or its dead-letter queue); no copy is kept, use drain to archive')
      .argument('<entity>', ENTITY_HELP)
      .option('--dlq', "the entity's dead-letter queue")
      .option('--session <id>', 'only this session of a session-enabled entity (default: every session, one after another)')
      .option('--older-than <duration>', 'only messages enqueued longer ago than this, e.g. 7d, 12h')
      .option('--reason <regex>', 'only dead letters whose reason matches (case-insensitive)')
      .option('--where <k=v>', 'only messages with this application property value; repeatable', collect, [])
      .option('--max <n>', 'delete at most this many')
      .option('--idle-timeout <duration>', 'stop when nothing arrives for this long', '3s')
      .option('--dry-run', 'only peek and report what would be deleted')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard queue purge orders --dlq --dry-run\n  switchyard queue purge orders --dlq --older-than 7d --yes\n' +
        '  switchyard queue purge orders --dlq --reason MaxDeliveryCount --where tenant=eu --yes\n\n' +
        'Purged messages are gone: no copy is kept. To keep them, run `switchyard queue drain` (it writes them to a file)\n' +
        'instead. Without filters messages are received and deleted in batches; with filters each is locked, the\n' +
        'matching ones are deleted and the others abandoned untouched (their delivery count rises by one).\n' +
        'A session-enabled entity is purged session by session, as drain visits them.\n' +
        'Scheduled and deferred messages are not purged. Prints how many were deleted (--json: {purged, skipped, dryRun}).\n' +
        EXIT_CODES_HELP,
    )
    .action(async (entity: string, opts: PurgeFlags, cmd: Command) => {
      const [{ createContext }, { parseEntity }, { parseInteger, parseDuration, parsePair }, { runPurge }] = await Promise.all([
        import('../../core/context.js'),
        import('../../adapters/queue/entity.js'),
        import('../../core/parse.js'),
        import('./run-purge.js'),
      ]);
      const input = {
        entity: parseEntity(entity, opts.dlq === true),
        session: parseSessionFlag(opts.session, opts.dlq === true),
        olderThanMs: opts.olderThan === undefined ? undefined : parseDuration(opts.olderThan, '--older-than'),
        reason: opts.reason,
        where: (opts.where ?? []).map((w) => parsePair(w, '--where')),
        max: opts.max === undefined ? undefined : parseInteger(opts.max, '--max', 1),
        idleTimeoutMs: parseDuration(opts.idleTimeout, '--idle-timeout'),
        dryRun: opts.dryRun === true,
        yes: opts.yes === true,
      };
      const ctx = createContext(rt, cmd, connectionSettings(opts));
      await runPurge(ctx, input);
    });
}
