import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { ENTITY_HELP, EXIT_CODES_HELP, connectionSettings, withConnectionOptions, type ConnectionFlags } from './options.js';

interface SessionsFlags extends ConnectionFlags {
  state?: boolean;
  max: string;
}

/** `switchyard queue sessions <entity>`: the sessions of a session-enabled queue or subscription. */
export function sessionsCommand(rt: Runtime): Command {
  return withConnectionOptions(
    new Command('sessions')
      .description('list the sessions that have messages, with count, oldest and newest (from peeking: locks nothing)')
      .argument('<entity>', ENTITY_HELP)
      .option('--state', "also read each session's state: this accepts each session for a moment, so a consumer may find it busy meanwhile")
      .option('--max <n>', 'peek at most this many messages', '10000'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard queue sessions per-customer\n  switchyard queue sessions events/subscriptions/orders --state --json\n\n' +
        'Without --state nothing is locked or changed. --state accepts each session in turn (a session lock, released\n' +
        `at once); a session another receiver holds is reported and skipped.\n${EXIT_CODES_HELP}`,
    )
    .action(async (entity: string, opts: SessionsFlags, cmd: Command) => {
      const [{ createContext }, { parseEntity }, { parseInteger }, { runSessions }] = await Promise.all([
        import('../../core/context.js'),
        import('../../adapters/queue/entity.js'),
        import('../../core/parse.js'),
        import('./run-sessions.js'),
      ]);
      const input = { entity: parseEntity(entity, false), state: opts.state === true, max: parseInteger(opts.max, '--max', 1) };
      const ctx = createContext(rt, cmd, connectionSettings(opts));
      await runSessions(ctx, input);
    });
}
