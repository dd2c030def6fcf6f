import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { connectionSettings, withConnectionOptions, type ConnectionFlags } from './options.js';

interface ListFlags extends ConnectionFlags {
  dlqOnly?: boolean;
  failOnDeadLetters?: boolean;
  managementPort?: string;
}

/** `switchyard queue list`: every queue, topic and subscription with its counts, dead letters first. */
export function listCommand(rt: Runtime): Command {
  return withConnectionOptions(
    new Command('list')
      .description('every queue, topic and subscription with active, dead-letter and scheduled counts (read-only)')
      .option('--dlq-only', 'only entities whose dead-letter queue is not empty')
      .option('--fail-on-dead-letters', 'exit 1 when any dead-letter queue is not empty (for monitoring and CI)')
      .option('--management-port <port>', "the emulator's management port, for UseDevelopmentEmulator=true (default 5300)"),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard queue list\n  switchyard queue list --dlq-only --fail-on-dead-letters\n' +
        "  switchyard queue list --json | jq '.[] | select(.deadLetter > 0) | .entity'\n\n" +
        "Reads Service Bus's HTTP management API, which needs the Manage right (or the Data Owner role with --namespace).\n" +
        'With UseDevelopmentEmulator=true it asks the local emulator over plain HTTP on its management port.\n' +
        'Exit codes: 0 listed, 1 a dead-letter queue is not empty (with --fail-on-dead-letters), 2 bad flags or\n' +
        'missing connection, 3 credentials refused, 4 Service Bus unreachable or failing, 130 interrupted.',
    )
    .action(async (opts: ListFlags, cmd: Command) => {
      const [{ createContext }, { runList }] = await Promise.all([import('../../core/context.js'), import('./run-list.js')]);
      const ctx = createContext(rt, cmd, { ...connectionSettings(opts), serviceBusManagementPort: opts.managementPort });
      await runList(ctx, { dlqOnly: opts.dlqOnly === true, failOnDeadLetters: opts.failOnDeadLetters === true });
    });
}
