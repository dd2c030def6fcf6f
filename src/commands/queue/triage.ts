import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { ENTITY_HELP, EXIT_CODES_HELP, connectionSettings, withConnectionOptions, type ConnectionFlags } from './options.js';

interface TriageFlags extends ConnectionFlags {
  max: string;
  by: string;
}

/** `switchyard queue triage <entity>`: dead letters grouped by reason, read-only. */
export function triageCommand(rt: Runtime): Command {
  return withConnectionOptions(
    new Command('triage')
      .description("group an entity's dead letters by reason and description (read-only: peeks, changes nothing)")
      .argument('<entity>', ENTITY_HELP)
      .option('--max <n>', 'read at most this many dead letters', '10000')
      .option('--by <key>', 'group by reason (with its description), session or subject', 'reason'),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  switchyard queue triage orders\n  switchyard queue triage events/subscriptions/billing --json | jq '.groups[0]'\n  switchyard queue triage per-customer --by session\n\n${EXIT_CODES_HELP}`,
    )
    .action(async (entity: string, opts: TriageFlags, cmd: Command) => {
      const [{ createContext }, { parseEntity }, { parseInteger }, { runTriage, TRIAGE_BY }, { UsageError }] = await Promise.all([
        import('../../core/context.js'),
        import('../../adapters/queue/entity.js'),
        import('../../core/parse.js'),
        import('./run-triage.js'),
        import('../../core/errors.js'),
      ]);
      const by = TRIAGE_BY.find((b) => b === opts.by);
      if (!by) throw new UsageError(`invalid --by "${opts.by}"`, { hint: `group by one of: ${TRIAGE_BY.join(', ')}` });
      const input = { entity: parseEntity(entity, true), max: parseInteger(opts.max, '--max', 1), by };
      const ctx = createContext(rt, cmd, connectionSettings(opts));
      await runTriage(ctx, input);
    });
}
