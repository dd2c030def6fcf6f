import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { parseSessionFlag } from './session-flag.js';
import { ENTITY_HELP, EXIT_CODES_HELP, connectionSettings, withConnectionOptions, type ConnectionFlags } from './options.js';

interface DrainFlags extends ConnectionFlags {
  dlq?: boolean;
  session?: string;
  out?: string;
  max?: string;
  idleTimeout: string;
  dryRun?: boolean;
  yes?: boolean;
}

/** `switchyard queue drain <entity>`: move messages into an NDJSON file without losing one. */
export function drainCommand(rt: Runtime): Command {
  return withConnectionOptions(
    new Command('drain')
      .description('receive messages into an NDJSON file; each batch is flushed to disk before it is completed')
      .argument('<entity>', ENTITY_HELP)
      .option('--dlq', "the entity's dead-letter queue")
      .option('--session <id>', 'only this session of a session-enabled entity (default: every session, one after another)')
      .option('--out <file>', 'output file (default <entity>-<timestamp>.ndjson; never overwritten)')
      .option('--max <n>', 'stop after this many messages (default: all)')
      .option('--idle-timeout <duration>', 'stop when nothing arrives for this long', '3s')
      .option('--dry-run', 'only peek and report what would be drained')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard queue drain orders --dlq --yes\n  switchyard queue drain orders --max 1000 --out archive.ndjson --yes\n' +
        '  switchyard queue drain orders --dlq --dry-run\n' +
        '  switchyard queue drain per-customer --session customer-42 --yes\n\n' +
        'A session-enabled entity is drained session by session (next available until none is left), so the file keeps\n' +
        "each session's order. The summary goes to stderr; --json also streams each message to stdout.\n" +
        `${EXIT_CODES_HELP}`,
    )
    .action(async (entity: string, opts: DrainFlags, cmd: Command) => {
      const [{ createContext }, { parseEntity }, { parseInteger, parseDuration }, { runDrain }] = await Promise.all([
        import('../../core/context.js'),
        import('../../adapters/queue/entity.js'),
        import('../../core/parse.js'),
        import('./run-drain.js'),
      ]);
      const input = {
        entity: parseEntity(entity, opts.dlq === true),
        session: parseSessionFlag(opts.session, opts.dlq === true),
        out: opts.out,
        max: opts.max === undefined ? undefined : parseInteger(opts.max, '--max', 1),
        idleTimeoutMs: parseDuration(opts.idleTimeout, '--idle-timeout'),
        dryRun: opts.dryRun === true,
        yes: opts.yes === true,
      };
      const ctx = createContext(rt, cmd, connectionSettings(opts));
      await runDrain(ctx, input);
    });
}
