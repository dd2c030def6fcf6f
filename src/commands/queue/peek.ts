import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { ENTITY_HELP, EXIT_CODES_HELP, connectionSettings, withConnectionOptions, type ConnectionFlags } from './options.js';

interface PeekFlags extends ConnectionFlags {
  dlq?: boolean;
  count: string;
  fromSequence?: string;
}

/** `switchyard queue peek <entity>`: look without touching. */
export function peekCommand(rt: Runtime): Command {
  return withConnectionOptions(
    new Command('peek')
      .description('show messages without receiving them (nothing changes, delivery counts stay)')
      .argument('<entity>', ENTITY_HELP)
      .option('--dlq', "the entity's dead-letter queue")
      .option('--count <n>', 'how many messages (pages through any number)', '20')
      .option('--from-sequence <n>', 'start at this sequence number'),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  switchyard queue peek orders --dlq --count 50\n  switchyard queue peek events/subscriptions/billing --json | jq .body\n\n${EXIT_CODES_HELP}`,
    )
    .action(async (entity: string, opts: PeekFlags, cmd: Command) => {
      const [{ createContext }, { parseEntity }, { parseInteger }, { runPeek, parseSequence }] = await Promise.all([
        import('../../core/context.js'),
        import('../../adapters/queue/entity.js'),
        import('../../core/parse.js'),
        import('./run-peek.js'),
      ]);
      const input = {
        entity: parseEntity(entity, opts.dlq === true),
        count: parseInteger(opts.count, '--count', 1),
        fromSequence: opts.fromSequence === undefined ? undefined : parseSequence(opts.fromSequence),
      };
      const ctx = createContext(rt, cmd, connectionSettings(opts));
      await runPeek(ctx, input);
    });
}
